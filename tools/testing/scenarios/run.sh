# manual: "make run" boots this scenario; make check does not.
# SPDX-License-Identifier: GPL-2.0
# Show what the emulated machine has and what the project's modules do.
echo "== kernel: $(uname -r), page size $(sed -n "s/^KernelPageSize: *//p" /proc/self/smaps | head -n 1)"
echo "== IOMMU devices:"
ls /sys/class/iommu 2>/dev/null
echo "== device tree nodes that name an IOMMU:"
for n in $(find /proc/device-tree -name iommus -o -name iommu-map 2>/dev/null); do
	echo "  $(dirname "$n")"
done
for s in /dart/scenarios/demo-*.sh; do
	[ -f "$s" ] && . "$s"
done
