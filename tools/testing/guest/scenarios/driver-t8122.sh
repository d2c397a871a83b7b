# SPDX-License-Identifier: GPL-2.0
# The M3 (T8122) match entry: dart-t8110's node names only
# "apple,t8122-dart" (driver-t8122.qemu), so the driver can bind it through
# that entry alone.  A driver without the entry leaves the DART unbound and
# its engine (dma-t8110, stream 200) without an IOMMU: "bound-as-t8122"
# and "dma-through-t8122" fail.  One whose entry pointed at a T8020
# descriptor would program the wrong register map and trip the model
# (DART-VIOLATION) or fault the DMA.

. /dart/scenarios/compat-common.sh
dart=90cc000.iommu

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check t8122 only-t8122-compatible compat_only $dart apple,t8122-dart
ktest_check t8122 bound-as-t8122 bound_as $dart t8122 't8122 DART: 256 streams'
engine_lib
ktest_kunit apple_dart_engines_kunit.ko
ktest_check t8122 dma-through-t8122 dma_through dma-t8110 90f5000.dma-test
