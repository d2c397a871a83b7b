# SPDX-License-Identifier: GPL-2.0
# What apple_dart.ko cannot drive yet it refuses cleanly: locked DARTs
# (hw §6) fail probe with the reason, nothing is registered, nothing is
# written to a locked register (the model would report it), and the
# module unloads again.

unloads() {
	rmmod apple-dart && rmmod io-pgtable-dart
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check refuse locked \
	darts_refused 'locked by the boot loader; locked DARTs are not supported' 9
ktest_check refuse unloads unloads
