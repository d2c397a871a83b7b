# SPDX-License-Identifier: GPL-2.0
# dart-dcp's TTBR0 without VALID, piodma's L1 off its granule
# (display-bad-common.sh).
. /dart/scenarios/display-bad-common.sh
dt_bad_load
ktest_check display-bad dcp-invalid-ttbr dart_refused $dcp_dart \
	'locked stream 0 translates, but TTBR0 (0x'
ktest_check display-bad piodma-misaligned dart_refused $disp_dart \
	"locked stream 4: L1 of TTBR0 at $(pa_str $(($(tables_pa) + 3 * 0x4000 - 0x1000))) is not aligned to the 16 KiB granule"
ktest_check display-bad darts-registered darts_registered $full_darts
ktest_check display-bad masters-deferred masters_deferred ${dcp_dev%.dma-test} ${piodma_dev%.dma-test}
ktest_check display-bad l1-untouched l1_untouched
display_bad_end
