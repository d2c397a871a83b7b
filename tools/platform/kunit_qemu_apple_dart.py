# SPDX-License-Identifier: GPL-2.0
#
# A kunit.py qemu config (tools/testing/kunit/qemu_configs style) for the
# DART's KUnit suites: arm64 with 16K pages, as on every Apple silicon Mac
# (Documentation/dart/hardware.rst, hw §0), booted on this project's QEMU
# and its emulated DART machine, so the built-in driver probes the DARTs it
# finds while the suites run.  With the series applied to a 6.12 tree:
#
#   tools/testing/kunit/kunit.py run --arch=arm64 --kunitconfig=drivers/iommu \
#       --cross_compile=aarch64-linux-gnu- \
#       --qemu_config=REPO/tools/platform/kunit_qemu_apple_dart.py
#
# QEMU: $DART_QEMU_DIR (a directory holding qemu-system-aarch64), else the
# build "make check" cached for this repository.  Machine: $DART_MACHINE,
# default virt,apple-dart=full (Documentation/dart/emulator.rst).

import os
import subprocess

from ..qemu_config import QemuArchParams


def _qemu_dir():
    found = os.environ.get('DART_QEMU_DIR')
    if not found:
        lib = os.path.join(os.path.dirname(os.path.realpath(__file__)), 'lib.sh')
        found = subprocess.run(['bash', '-c', '. "$1" && qemu_bin_dir', 'sh', lib],
                               check=True, capture_output=True, text=True).stdout.strip()
    if not os.access(os.path.join(found, 'qemu-system-aarch64'), os.X_OK):
        raise ValueError('no qemu-system-aarch64 in %s: run "make check" in the '
                         'repository first, or set DART_QEMU_DIR' % found)
    return found


# kunit.py starts "qemu-system-aarch64" from PATH: ours comes first.
os.environ['PATH'] = _qemu_dir() + os.pathsep + os.environ.get('PATH', '')

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
                           kconfig='''
CONFIG_ARM64_16K_PAGES=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y''',
                           qemu_arch='aarch64',
                           kernel_path='arch/arm64/boot/Image.gz',
                           kernel_command_line='console=ttyAMA0',
                           extra_qemu_params=['-machine', os.environ.get(
                               'DART_MACHINE', 'virt,apple-dart=full'),
                               '-cpu', 'max', '-smp', '2'])
