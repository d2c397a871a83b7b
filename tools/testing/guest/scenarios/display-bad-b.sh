# SPDX-License-Identifier: GPL-2.0
# dart-dcp's L1 in ordinary RAM, piodma walking the display stream's L1
# (display-bad-common.sh).
. /dart/scenarios/display-bad-common.sh
dt_bad_load
ktest_check display-bad dcp-outside dart_refused $dcp_dart \
	"locked stream 0: L1 of TTBR0 at $(pa_str $(($(tables_pa) - 0x4000))) is outside no-map reserved memory; refusing to write it"
ktest_check display-bad disp0-shared-l1 dart_refused $disp_dart \
	"locked streams 0 and 4 share the L1 at $(pa_str $(($(tables_pa) + 2 * 0x4000))); cannot give them separate domains"
ktest_check display-bad darts-registered darts_registered $full_darts
ktest_check display-bad masters-deferred masters_deferred ${dcp_dev%.dma-test} ${piodma_dev%.dma-test}
ktest_check display-bad l1-untouched l1_untouched
display_bad_end
