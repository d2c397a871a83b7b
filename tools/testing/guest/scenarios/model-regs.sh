# SPDX-License-Identifier: GPL-2.0
# The DART model itself, driven register by register with no DART driver
# bound (tools/testing/kernel/model): every register path of both layouts,
# the walker, TLB and invalidation, faults and interrupts, locks, and the
# model's own violation reports (declared expected by the tests).
engine_lib
ktest_kunit dart_model_kunit.ko
