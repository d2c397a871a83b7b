# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the dt-bad-* scenarios (sourced): apple-dart=full with a
# device tree that NAME.dt broke in several independent places (the
# cases of testing.rst, "Malformed device trees").  Each broken DART
# fails probe with its reason and registers nothing; each broken master
# is refused with its reason and never reaches an IOMMU group (refused
# by apple_dart.ko it is not bound at all: a driver bound without its
# IOMMU would DMA to a stream the DART blocks); and in the same boot the
# untouched DARTs register and the untouched masters do DMA through them
# (apple_dart_engines_kunit.ko).  Splats, violations and hangs fail the
# boot through the harness.

plat=/sys/bus/platform/devices

# said DEV TEXT: a kernel log line of DEV (a device name) holds TEXT.
said() {
	dmesg | grep -F "$1" | grep -qF -- "$2"
}

# dart_refused DART TEXT: the DART (its device name) said TEXT and is no
# IOMMU.
dart_refused() {
	dmesg | grep -F "$1" | sed 's/^/# /'
	said "$1" "$2" && [ ! -e "/sys/class/iommu/apple-dart.$1" ]
}

# darts_registered ADDR...: exactly these DARTs are IOMMUs.
darts_registered() {
	local want got
	ls /sys/class/iommu | sed 's/^/# /'
	want=$(for a in "$@"; do echo "apple-dart.$a.iommu"; done | sort)
	got=$(ls /sys/class/iommu | sort)
	[ "$want" = "$got" ]
}

# master_deferred ENGINE [TEXT]: the engine (its address) said TEXT, if
# given, and is neither bound nor behind an IOMMU.
master_deferred() {
	local d=$plat/$1.dma-test
	dmesg | grep -F "$1.dma-test" | sort | uniq -c | sed 's/^/# /'
	{ [ -z "${2:-}" ] || said "$1.dma-test" "$2"; } &&
		[ ! -e $d/driver ] && [ ! -e $d/iommu_group ]
}

# masters_deferred ENGINE...: each deferred, as the core leaves a master
# behind a DART that did not probe (the DART's refusal is the reason).
masters_deferred() {
	local e
	for e in "$@"; do
		master_deferred "$e" || return 1
	done
}

# master_unmapped ENGINE TEXT: the core said TEXT (no IOMMU driver sees
# the entry) and the engine runs without an IOMMU group.
master_unmapped() {
	local d=$plat/$1.dma-test
	[ -z "$2" ] || dmesg | grep -F -- "$2" | sed 's/^/# /'
	{ [ -z "$2" ] || dmesg | grep -qF -- "$2"; } &&
		[ -e $d/driver ] && [ ! -e $d/iommu_group ]
}

# masters_grouped ENGINE...: each is bound and in an IOMMU group.
masters_grouped() {
	local e
	for e in "$@"; do
		[ -e $plat/$e.dma-test/driver ] &&
			[ -e $plat/$e.dma-test/iommu_group ] || return 1
	done
}

# dt_bad_load: the DART driver, then the client, which keeps the engines
# bound while the checks look at them.
dt_bad_load() {
	insmod "$DART_MOD/io-pgtable-dart.ko"
	insmod "$DART_MOD/apple_dart.ko"
	engine_lib
	insmod "$DART_MOD/apple-dart-test.ko"
}

# dt_bad_dma ENGINE...: the good masters do DMA through their DARTs in
# this boot (every engine behind an IOMMU, the kunit suite), and still
# sit in their groups afterwards.
dt_bad_dma() {
	ktest_kunit apple_dart_engines_kunit.ko
	ktest_check dt-bad good-masters masters_grouped "$@"
	rmmod apple-dart-test
}
