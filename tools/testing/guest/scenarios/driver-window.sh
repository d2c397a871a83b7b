# SPDX-License-Identifier: GPL-2.0
# DMA windows from 5-cell "iommus" specifiers (driver-window.dt): the
# windowed masters' DMA stays inside their windows (apple_dart_window
# KUnit: aperture, every IOVA the DMA API hands out, and the engine's
# accesses through them), next to 1-cell masters and a master behind a
# 1-cell and a 5-cell DART; a window across what the DART walks is
# refused with the reason.  A driver that refused #iommu-cells = <5>
# fails "darts-probed"; one that took the crossing window fails
# "crossing-refused".

darts_probed() {
	[ "$(ls -d /sys/class/iommu/apple-dart.* | wc -l)" = 11 ]
}

# The crossing window's master: refused at of_xlate, no IOMMU group.
crossing_refused() {
	dmesg | grep '90f3000.dma-test' | sed 's/^/# /'
	dmesg | grep -q '90f3000.dma-test: .*DMA window 0x3fffffc000+0x8000 crosses the 38 VA bits the DART translates' &&
		[ ! -e /sys/bus/platform/devices/90f3000.dma-test/iommu_group ]
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check window darts-probed darts_probed
engine_lib
ktest_kunit apple_dart_window_kunit.ko
# The engines probe (and of_xlate runs) once their driver is in.
ktest_check window crossing-refused crossing_refused
