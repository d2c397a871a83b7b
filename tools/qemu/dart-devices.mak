# Device set for our qemu-system-aarch64: the virt board, what it needs to
# link (ARM_V7M: target/arm/m_helper.c is always compiled in QEMU 7.2), PCIe
# virtio for a real disk behind the DART, and the project's device models.
CONFIG_ARM_VIRT=y
CONFIG_ARM_V7M=y
CONFIG_VIRTIO_MMIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_APPLE_DART=y
