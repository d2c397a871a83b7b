# SPDX-License-Identifier: GPL-2.0
# io-pgtable-dart: the page-table backend's KUnit suite (matrix, reference
# model with 10 x 10000 random operations, leak and reclaim counts) and the
# benchmark against the kernel's built-in APPLE_DART2 backend.
# Soak: the manual scenario pgtable-soak runs more random operations.
ktest_check pgtable load-backend insmod "$DART_MOD/io-pgtable-dart.ko"
ktest_kunit io-pgtable-dart_kunit.ko ${pgtable_test_args:-}
ktest_kunit io-pgtable-dart-bench.ko ${pgtable_bench_args:-}
ktest_check pgtable unload-backend rmmod io-pgtable-dart
