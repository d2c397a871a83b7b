# SPDX-License-Identifier: GPL-2.0
# What apple_dart.ko cannot drive yet it refuses cleanly: locked DARTs
# (hw §6) fail probe with the reason, nothing is registered, nothing is
# written to a locked register (the model would report it), and the
# module unloads again.

refused_locked() {
	local n
	n=$(dmesg | grep -c 'apple-dart .*: locked by the boot loader; locked DARTs are not supported')
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	[ "$n" = 9 ] && [ -z "$(ls /sys/class/iommu)" ]
}

unloads() {
	rmmod apple-dart && rmmod io-pgtable-dart
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check refuse locked refused_locked
ktest_check refuse unloads unloads
