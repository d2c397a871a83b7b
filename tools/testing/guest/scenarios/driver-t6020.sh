# SPDX-License-Identifier: GPL-2.0
# Two probe paths no stock machine exercises (driver-t6020.dt edits the
# DT of apple-dart=full):
#
# The T602x match entry: dart-t6020's node names only "apple,t6020-dart",
# so the driver binds it through that entry alone, as the T8110 variant
# (T602x differs only in the VA width its PARAMS3 reports, hw §0).  A
# driver without the entry leaves the DART unbound and dma-t6020 without
# an IOMMU: "bound-as-t8110" and "dma-through-t6020" fail.  One whose entry
# named a T8020 descriptor would program the wrong register map (the
# model reports DART-VIOLATION) or not see the 42 VA bits.
#
# A master behind two DARTs of which only the first can bypass: its
# default domain must be DMA, and a switch to identity through sysfs must
# be refused by the driver's def_domain_type() before the core tries the
# identity domain.  A driver that asks only the first DART lets the core
# try it; the attach then refuses, naming dart-pcie in the log, which is
# what "identity-refused-early" catches.

. /dart/scenarios/compat-common.sh
dbg=$dart_dbg
t6020=90d0000.iommu t8103=90c0000.iommu pcie=90dc000.iommu
eng_t6020=90f6000.dma-test eng_a=90f0000.dma-test

# The premise, besides compat_only: dma-t8103-a names two DARTs of which
# the second has no bypass.
mismatched_premise() {
	[ "$(od -An -tx4 /proc/device-tree/dma-test@${eng_a%.dma-test}/iommus |
		wc -w)" = 4 ] &&
		grep -q '^bypass 1$' $dbg/$t8103/info &&
		grep -q '^bypass 0$' $dbg/$pcie/info
}

# Bound by our driver through the T602x entry: the T8110 descriptor
# with the 42 VA bits of PARAMS3.
bound_as_t8110() {
	bound_as $t6020 t8110 't8110 DART: 64 streams, 16 KiB pages, 42 VA bits' &&
		grep -q '^va_bits 42$' $dbg/$t6020/info
}

grp_type() { cat $plat/$1/iommu_group/type; }

# The mismatched master: a DMA default domain, programmed in both DARTs.
mismatched_dma() {
	echo "# $eng_a: $(grp_type $eng_a)"
	grep -E "^(1|5) " $dbg/$t8103/streams $dbg/$pcie/streams | sed 's/^/# /'
	[ "$(grp_type $eng_a)" = DMA ] &&
		grep -qE "^1 translate .* $eng_a$" $dbg/$t8103/streams &&
		grep -qE "^5 translate .* $eng_a$" $dbg/$pcie/streams
}

# Identity refused by def_domain_type(): the core never attaches the
# identity domain, so the driver never says that dart-pcie cannot bypass.
# The engines joined their groups when the KUnit module bound them and
# are unbound again now, as a type change needs.
identity_refused_early() {
	local rc=0
	if echo identity >$plat/$eng_a/iommu_group/type 2>/dev/null; then
		rc=1
	fi
	echo "# type after: $(grp_type $eng_a)"
	[ "$(grp_type $eng_a)" = DMA ] || rc=1
	if dmesg | grep "$eng_a" | grep -q 'cannot bypass translation'; then
		dmesg | grep "$eng_a" | sed 's/^/# /'
		rc=1
	fi
	return $rc
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check t6020 only-t6020-compatible compat_only $t6020 apple,t6020-dart
ktest_check t6020 bound-as-t8110 bound_as_t8110
ktest_check t6020 mismatched-premise mismatched_premise
engine_lib
ktest_kunit apple_dart_engines_kunit.ko
ktest_check t6020 dma-through-t6020 dma_through dma-t6020 $eng_t6020
ktest_check t6020 dma-through-t8103-a dma_through dma-t8103-a $eng_a
ktest_check t6020 mismatched-default-dma mismatched_dma
ktest_check t6020 identity-refused-early identity_refused_early
