# SPDX-License-Identifier: GPL-2.0
# A T8110 DART of hardware revision 1 (driver-rev1.qemu): dart-t6020's 42
# VA bits need the four-level walk that revision lacks (hw §3), so the
# driver must walk two tables below the TTBR and translate 36 bits, and
# say so.  A driver that trusted the VA width alone would set FOUR_LEVEL:
# the model reports a DART-VIOLATION, walks two levels of a three-level
# table and the engine's DMA faults ("dma-through-rev1").  One that gave
# up on the DART fails "bound-rev1"; one that kept 42 bits without the
# walk fails "walks-36-bits".

. /dart/scenarios/compat-common.sh
t6020=90d0000.iommu eng_t6020=90f6000.dma-test

rev1_geometry() {
	dmesg | grep "$t6020" | sed 's/^/# /'
	dmesg | grep -q "apple-dart $t6020: 42 VA bits but revision 1 has no four-level walk, using 36" &&
		grep -q '^va_bits 36$' $dart_dbg/$t6020/info &&
		grep -q '^max_levels 2$' $dart_dbg/$t6020/info
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check rev1 bound-rev1 bound_as $t6020 t8110 't8110 DART: 64 streams, 16 KiB pages, 36 VA bits (2 levels)'
ktest_check rev1 walks-36-bits rev1_geometry
engine_lib
ktest_kunit apple_dart_engines_kunit.ko
ktest_check rev1 dma-through-rev1 dma_through dma-t6020 $eng_t6020
