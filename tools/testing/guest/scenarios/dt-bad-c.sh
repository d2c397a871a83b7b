# SPDX-License-Identifier: GPL-2.0
# One broken DART, PCIe mapped beyond its DART, six broken masters
# (dt-bad-c.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh

# The virtio disk's PCI function: refused, so never bound (no vda) and
# in no IOMMU group; before the fix the guest hung in its first read.
pcie_refused() {
	local d
	d=$(grep -l 0x1af4 /sys/bus/pci/devices/*/vendor | head -n 1)
	d=${d%/vendor}
	echo "# $d"
	dmesg | grep -F "${d##*/}" | sort | uniq -c | sed 's/^/# /'
	[ -n "$d" ] && said "${d##*/}" '/iommu@90dc000: stream 16, but the DART has 16 streams' &&
		[ ! -e "$d/driver" ] && [ ! -e "$d/iommu_group" ] && [ ! -e /sys/block/vda ]
}

dt_bad_load
ktest_check dt-bad iommu-cells-short dart_refused 90c4000.iommu \
	'no #iommu-cells that reads as one u32 (-75)'
ktest_check dt-bad darts-registered darts_registered \
	90c0000 90c8000 90cc000 90d0000 90d4000 90d8000 90dc000 90e0000 90e4000 90e8000
ktest_check dt-bad pcie-map-beyond pcie_refused
ktest_check dt-bad stream-one-past master_deferred 90f5000 \
	'/iommu@90cc000: stream 256, but the DART has 256 streams'
ktest_check dt-bad iommus-not-iommu-first master_unmapped 90f3000 \
	'could not get #iommu-cells for /dma-test@90f0000'
ktest_check dt-bad iommus-empty master_unmapped 90f4000 ''
ktest_check dt-bad iommus-not-iommu-second master_deferred 90f6000 \
	'/dma-test@90f6000: iommus has 16 bytes, but its 1 whole entries take 8'
ktest_check dt-bad iommus-dangling master_deferred 90f8000 \
	'/dma-test@90f8000: iommus has 24 bytes, but its 2 whole entries take 16'
ktest_check dt-bad second-dart-stream-beyond master_deferred 90f7000 \
	'/iommu@90d8000: stream 16, but the DART has 16 streams'
dt_bad_dma 90f0000 90f1000 90f2000
