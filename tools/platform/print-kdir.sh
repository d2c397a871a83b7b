#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the cached test-kernel build directory (for "make modules").
. "$(dirname "$0")/lib.sh"
kernel_build_dir
