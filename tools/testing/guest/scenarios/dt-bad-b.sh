# SPDX-License-Identifier: GPL-2.0
# Six broken DARTs, one broken master (dt-bad-b.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh
dt_bad_load
ktest_check dt-bad t8020-compat-on-t8110 dart_refused 90cc000.iommu \
	'compatible names the T8020 register layout, but PARAMS2 0x3 reports SUPPORT_REG_LOCK: the DART has the T8110 layout'
ktest_check dt-bad reg-shared dart_refused 90da000.iommu 'error -16: cannot map reg'
ktest_check dt-bad iommu-cells-missing dart_refused 90c4000.iommu \
	'no #iommu-cells that reads as one u32 (-22)'
ktest_check dt-bad irq-parent-dangling dart_refused 90c8000.iommu 'no fault interrupt'
ktest_check dt-bad irq-short dart_refused 90d0000.iommu 'no fault interrupt'
ktest_check dt-bad reg-malformed dart_refused 90e0000.iommu 'error -22: cannot map reg'
ktest_check dt-bad darts-registered darts_registered 90c0000 90d4000 90dc000 90e4000 90e8000
ktest_check dt-bad iommus-twice master_deferred 90f0000 \
	'/dma-test@90f0000: iommus entries 0 and 1 are the same (stream 1 of /iommu@90c0000)'
# iommus names a DART without #iommu-cells: the core cannot parse it
# and runs the master without an IOMMU.
ktest_check dt-bad behind-cellless-dart master_unmapped 90f3000 \
	'could not get #iommu-cells for /iommu@90c4000'
ktest_check dt-bad behind-refused-darts masters_deferred 90f4000 90f5000 90f6000 90f7000 90f8000
dt_bad_dma 90f1000 90f2000
