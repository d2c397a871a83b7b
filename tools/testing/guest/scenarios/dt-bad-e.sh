# SPDX-License-Identifier: GPL-2.0
# Four masters refused for what their DARTs cannot do together
# (dt-bad-e.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh
dt_bad_load
ktest_check dt-bad window-not-pages master_deferred 90f3000 \
	'/iommu@90c4000: DMA window 0x10001000+0x100000 is not made of 16 KiB pages'
ktest_check dt-bad window-beyond-second master_deferred 90f6000 \
	'DMA window ends at 0x100000fffff, beyond the 36 VA bits 90cc000.iommu translates'
ktest_check dt-bad windows-disjoint master_deferred 90f7000 \
	'its DMA windows do not overlap'
ktest_check dt-bad ttbr-layouts-differ master_deferred 90f4000 \
	'90c8000.iommu (t6000) and 90cc000.iommu (t8110) encode TTBRs differently'
ktest_check dt-bad darts-registered darts_registered 90c0000 90c4000 90c8000 \
	90cc000 90d0000 90d4000 90d8000 90dc000 90e0000 90e4000 90e8000
dt_bad_dma 90f0000 90f1000 90f2000 90f5000 90f8000
