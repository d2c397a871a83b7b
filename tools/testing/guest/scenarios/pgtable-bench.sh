# manual: make check SCENARIO=pgtable-bench; the benchmark alone.
# SPDX-License-Identifier: GPL-2.0
# io-pgtable-dart against the kernel's built-in APPLE_DART2 backend, without
# the KUnit suite (pgtable runs both).
ktest_check pgtable load-backend insmod "$DART_MOD/io-pgtable-dart.ko"
ktest_kunit io-pgtable-dart-bench.ko
ktest_check pgtable unload-backend rmmod io-pgtable-dart
