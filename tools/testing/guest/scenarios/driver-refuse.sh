# SPDX-License-Identifier: GPL-2.0
# What apple_dart.ko cannot drive it refuses cleanly: DARTs locked with
# no stream translating (hw §6: TCR/TTBR can never be programmed, so no
# domain could be used) fail probe with the reason and are not
# registered, nothing is written to a locked register (the model would
# report it), and the module unloads again.  Locked DARTs with live
# streams are taken over: driver-locked, and here the display block's two
# DARTs (their boot loader set up live streams before locking).
. /dart/regs.sh

unloads() {
	rmmod apple-dart && rmmod io-pgtable-dart
}

# The nine DARTs without a live stream refused with the reason; only the
# display block's two registered.  Catches a locked DART probed as if it
# could be programmed, or the display's DARTs refused with the others.
locked_refused() {
	local n want
	n=$(dmesg | grep -c "apple-dart .*: locked by the boot loader, but no stream translates")
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	want=$(printf 'apple-dart.%x.iommu ' $ADD_DART_DCP_BASE $ADD_DART_DISP0_BASE)
	echo "# refused $n, registered: $(ls /sys/class/iommu | tr '\n' ' ')"
	[ "$n" = 9 ] && [ "$(ls /sys/class/iommu | tr '\n' ' ')" = "$want" ]
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check refuse locked locked_refused
ktest_check refuse unloads unloads
