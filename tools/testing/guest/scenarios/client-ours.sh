# SPDX-License-Identifier: GPL-2.0
# The test client's kselftests against the project's apple_dart.ko on every
# DART of apple-dart=full: the DMA API and IOMMU API through each DART
# generation, fault reports to the domain handler, lazy mode, the master
# behind two DARTs, the 64-stream DART, a file system on virtio-blk-pci, and
# the DMA map benchmark (compare its figures with client-oracle's).
. /dart/scenarios/client-common.sh

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
client_run_all
