# manual: make check SCENARIO=pgtable-soak; not part of the default run.
# SPDX-License-Identifier: GPL-2.0
# The pgtable scenario with 2 000 000 random operations (10 configurations x
# 200 000) and another seed.
pgtable_test_args="rand_ops=200000 rand_seed=20251121"
. /dart/scenarios/pgtable.sh
