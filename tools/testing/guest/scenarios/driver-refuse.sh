# SPDX-License-Identifier: GPL-2.0
# What apple_dart.ko cannot drive it refuses cleanly: DARTs locked with
# no stream translating (hw §6: TCR/TTBR can never be programmed, so no
# domain could be used) fail probe with the reason, nothing is
# registered, nothing is written to a locked register (the model would
# report it), and the module unloads again.  Locked DARTs with live
# streams are taken over: driver-locked.

unloads() {
	rmmod apple-dart && rmmod io-pgtable-dart
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check refuse locked \
	darts_refused 'locked by the boot loader, but no stream translates' 9
ktest_check refuse unloads unloads
