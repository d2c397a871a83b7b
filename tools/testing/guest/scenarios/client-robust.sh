# SPDX-License-Identifier: GPL-2.0
# apple_dart.ko when things go wrong, through the test client: a storm of
# 10 000 faults from one engine and the faults of two streams of one DART
# interleaved (dart_fault_test), then the Nth allocation failing inside
# each client operation and inside the probe of a DART, for every N
# (dart_fail_nth).  The kmemleak scan at the end of the boot (init) finds
# what an error path leaked.

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
engine_lib
insmod "$DART_MOD/apple-dart-test.ko"
ktest_selftest dart_fault_test
ktest_selftest dart_fail_nth
# Unloading with every buffer and domain gone must work.
ktest_check robust rmmod-client rmmod apple-dart-test
