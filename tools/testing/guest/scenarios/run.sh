# manual: "make run" boots this scenario; make check does not.
# SPDX-License-Identifier: GPL-2.0
# Show what the emulated machine has and what the project's modules do: the
# DARTs the driver found, the devices behind them, a DMA through a DART
# checked end to end, and the driver's debugfs state.

say() { printf '\n== %s\n' "$*"; }

# Only warnings and errors on the console (the translation faults the
# tests provoke on purpose among them); the rest is shown where it matters.
dmesg -n 4

say "kernel $(uname -r), page size $(sed -n 's/^KernelPageSize: *//p' /proc/self/smaps | head -n 1)"

say "loading io-pgtable-dart.ko and apple_dart.ko"
insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
dmesg | grep -E 'apple-dart [0-9a-f]+\.iommu' | sed 's/^\[[^]]*\] //'

say "IOMMU groups (group: type: devices)"
for g in /sys/kernel/iommu_groups/*; do
	printf '  %s: %s:' "${g##*/}" "$(cat "$g/type")"
	for d in "$g"/devices/*; do printf ' %s' "${d##*/}"; done
	echo
done

say "a file on ext2 on virtio-blk-pci, written and read back through dart-pcie"
if blk_file_round_trip; then echo "  checksums equal: the disk's DMA went through the DART"; fi

say "the DMA test engines behind every DART generation (kselftest)"
engine_lib
insmod "$DART_MOD/apple-dart-test.ko" && "$DART_BIN/dart_dma_test" 2>&1 |
	grep -E '^(ok|not ok|# Totals)'
rmmod apple-dart-test

say "debugfs: /sys/kernel/debug/iommu/apple-dart"
dbg=/sys/kernel/debug/iommu/apple-dart
for d in "$dbg"/*.iommu; do
	[ -d "$d" ] || continue
	echo "  ${d##*/}: $(tr '\n' ' ' <"$d/info")"
done
first=$(ls -d "$dbg"/*.iommu 2>/dev/null | head -n 1)
if [ -n "$first" ]; then
	echo "--- ${first##*/}/streams"
	cat "$first/streams"
	echo "--- ${first##*/}/counters"
	cat "$first/counters"
fi
echo "--- domains: $(ls "$dbg/domains" 2>/dev/null | tr '\n' ' ')"
d0=$(ls "$dbg/domains" 2>/dev/null | head -n 1)
if [ -n "$d0" ]; then
	echo "--- domains/$d0/info"
	cat "$dbg/domains/$d0/info"
	echo "--- domains/$d0/pgtable (first lines)"
	head -n 8 "$dbg/domains/$d0/pgtable"
fi
