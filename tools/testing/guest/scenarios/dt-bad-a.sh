# SPDX-License-Identifier: GPL-2.0
# Five broken DARTs, two broken masters (dt-bad-a.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh
dt_bad_load
ktest_check dt-bad reg-missing dart_refused iommu@90c4000 'error -22: cannot map reg'
ktest_check dt-bad iommu-cells-0 dart_refused 90c8000.iommu '#iommu-cells is 0, the DART binding has one cell'
ktest_check dt-bad irq-unmappable dart_refused 90e0000.iommu 'no fault interrupt'
ktest_check dt-bad t8110-compat-on-t8020 dart_refused 90dc000.iommu \
	'compatible names the T8110 register layout, but PARAMS2 0x0 lacks SUPPORT_REG_LOCK: the DART has the T8020 layout'
ktest_check dt-bad irq-percpu dart_refused 90cc000.iommu 'is a per-CPU interrupt (PPI), not a line of its own'
ktest_check dt-bad darts-registered darts_registered 90c0000 90d0000 90d4000 90d8000 90e4000 90e8000
ktest_check dt-bad iommus-odd master_deferred 90f2000 \
	'/dma-test@90f2000: iommus has 12 bytes, but its 1 whole entries take 8'
ktest_check dt-bad stream-huge master_deferred 90f6000 \
	'/iommu@90d0000: stream 4294967295, but the DART has 64 streams'
# Behind a DART that did not probe: deferred, as the core does.
ktest_check dt-bad behind-refused-darts masters_deferred 90f3000 90f4000 90f5000 90f8000
dt_bad_dma 90f0000 90f1000 90f7000
