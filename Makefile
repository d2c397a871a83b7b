# SPDX-License-Identifier: GPL-2.0
#
# Apple DART IOMMU driver, out of tree.
#
# Kernel build (Kbuild lists the objects):
#   make KDIR=/path/to/linux-6.12-build         modules against a built tree
#   make -C $KDIR M=$PWD modules               the same, the kbuild way
# Platform (see README.md):
#   make check     set up, build and boot the emulated machine; run all tests
#   make run       build only what booting needs, boot, show what the driver does
#   make bench     the same set-up on the bench kernel; ours against 6.12
#                  under -icount, report in out/bench/
#   make coverage  every scenario on a gcov kernel; line and branch
#                  coverage of the driver and backend in out/coverage/
#   make clean     remove build products from the clone (not the cache)
#   make distclean also remove the build cache

KDIR ?= $(shell bash tools/platform/print-kdir.sh 2>/dev/null)

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules

check:
	@bash tools/platform/check.sh check

run:
	@bash tools/platform/check.sh run

bench:
	@DART_OUT=$(CURDIR)/out/bench DART_KERNEL=bench bash tools/platform/check.sh bench

coverage:
	@DART_OUT=$(CURDIR)/out/coverage DART_KERNEL=coverage bash tools/platform/check.sh coverage

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- clean || true
	rm -rf out

distclean: clean
	rm -rf "$${DART_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/apple-dart-platform}"

.PHONY: modules check run bench coverage clean distclean
