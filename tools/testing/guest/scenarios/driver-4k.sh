# SPDX-License-Identifier: GPL-2.0
# DARTs with 4 KiB pages under the 16K-page kernel (driver-4k.qemu): the
# domains take the DART's page size, dma-iommu maps each kernel page as
# four, and a leaf table (2 MiB of IOVA) that an unmap empties is freed
# after an invalidation the backend asks for itself: it cannot leave the
# table to the unmap's gather, whose list holds kernel pages.  A driver
# that refused such a DART fails "bound-4k"; one that gave the domain the
# kernel's page size fails "engines-4k" (apple_dart_engines: reads of the
# wrong page, faults); one that freed the table before invalidating fails
# apple_dart_engines' "engines_reclaim".

. /dart/scenarios/compat-common.sh
t8103=90c0000.iommu eng_a=90f0000.dma-test

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check 4k bound-4k bound_as $t8103 t8103 't8103 DART: 16 streams, 4 KiB pages'
engine_lib
ktest_kunit dart_engine_dma_kunit.ko
ktest_kunit apple_dart_engines_kunit.ko
ktest_check 4k engines-4k dma_through dma-t8103-a $eng_a
