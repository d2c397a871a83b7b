# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the display-bad-* scenarios (sourced): apple-dart=full with
# the display block's boot loader broken in one place per DART (the
# model's "preset" flags, emulator.rst).  A locked DART whose boot-loader
# state cannot be taken over is refused with the reason before anything
# is written (the model reports any write to its locked registers, and
# every store into a firmware L1 is counted); the scanout goes on
# showing the splash without a faulted frame; the other DARTs register
# and their masters do DMA in the same boot (dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh
. /dart/scenarios/display-common.sh

# Full's other DARTs, by address: the nine before the display pair.
full_darts="90c0000 90c4000 90c8000 90cc000 90d0000 90d4000 90d8000 90dc000 90e0000"

# The dart-tables region (the L1 pages, then the leaf pool) from the DT.
tables_pa() {
	local n
	for n in $rm/dart-tables@*; do
		cells64 "$(dt_hex $n/reg)" 0
		return
	done
}

# %pa as the kernel prints it.
pa_str() { printf '0x%016x' "$1"; }

# Every engine of full but the display block's two.
good_engines() {
	local d
	for d in $plat/*.dma-test; do
		d=${d##*/}
		case $d in $dcp_dev | $piodma_dev) continue ;; esac
		echo ${d%.dma-test}
	done
}

# No store into a firmware L1 left a boot mapping broken.
l1_kept() {
	local n=$(disp_reg $ADD_L1_STORES) b=$(disp_reg $ADD_L1_BROKEN)
	echo "# L1 stores $n, of which broke a boot mapping $b"
	[ "$b" = 0 ]
}

# (masters_deferred, dt-bad-common.sh: a master behind a refused DART
# stays deferred only because run-scenario.sh boots with
# deferred_probe_timeout=-1; with the stock 10 s the core gives up
# waiting for the IOMMU and binds it without one.)

# display_bad_end: the display as the boot loader left it, then the
# other masters' DMA.
display_bad_end() {
	ktest_check display-bad scanout-frames scanout_frames
	ktest_check display-bad scanout-splash scanout_splash
	dt_bad_dma $(good_engines)
}
