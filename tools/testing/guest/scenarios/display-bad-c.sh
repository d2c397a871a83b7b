# SPDX-License-Identifier: GPL-2.0
# dart-dcp's L1s in TTBR0 and TTBR2, piodma's stream never set up
# (display-bad-common.sh).  dart-disp0 itself is sound: it registers, the
# display's stream is taken over with its boot mapping, and only piodma,
# whose locked stream can never be programmed, is refused.
. /dart/scenarios/display-bad-common.sh
dt_bad_load
ktest_check display-bad dcp-ttbr-gap dart_refused $dcp_dart \
	'locked stream 0: TTBRs 0,2 valid; only a power-of-two run from TTBR0 can be taken over'
ktest_check display-bad darts-registered darts_registered $full_darts ${disp_dart%.iommu}
ktest_check display-bad piodma-off master_deferred ${piodma_dev%.dma-test} \
	"stream 4 of $disp_dart does not translate, and the boot loader locked its registers"
ktest_check display-bad dcp-deferred master_deferred ${dcp_dev%.dma-test}
ktest_check display-bad l1-kept l1_kept
display_bad_end
