# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the platform scripts; sourced, never run.
#
# Cache layout (all outside the clone, every entry keyed by a content hash of
# what it was built from, and only trusted once its ".complete" stamp exists):
#   $DART_CACHE/linux-src/<pkgver>/       extracted linux-source-6.12 tree
#   $DART_CACHE/kernel/<hash>/            O= build dir of a kernel variant
#   $DART_CACHE/qemu-src/<pkgver>/        Debian QEMU source with its patches
#   $DART_CACHE/qemu/<hash>/              our qemu-system-aarch64 build
#   $DART_CACHE/busybox/<hash>/          arm64 busybox-static, unpacked

set -euo pipefail

DART_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DART_CACHE=${DART_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apple-dart-platform}
DART_OUT=${DART_OUT:-$DART_TOP/out}
DART_LOGS=$DART_OUT/logs
JOBS=${JOBS:-$(nproc)}
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

mkdir -p "$DART_CACHE" "$DART_LOGS"

# hash_of FILE|DIR...: one stable content hash over files and directory trees.
# Paths relative to the repo top are part of it (renames count); where the
# clone lives is not, so every clone of one commit shares the cache.
hash_of() {
	local p
	for p in "$@"; do
		if [ -d "$p" ]; then
			(cd "$p" && find . -type f ! -name '*.o' -print0 | LC_ALL=C sort -z |
				xargs -0r sha256sum)
		else
			echo "${p#"$DART_TOP"/}"
			sha256sum <"$p"
		fi
	done | sha256sum | cut -c1-16
}

now() { date +%s.%N; }

# stage NAME CMD...: run CMD with its output in $DART_LOGS/NAME.log; print the
# stage's start and wall time, and the log's tail if it fails.
stage() {
	local name=$1 t0 rc=0
	shift
	t0=$(now)
	echo "==> $name"
	"$@" >"$DART_LOGS/$name.log" 2>&1 || rc=$?
	printf '<== %s: %.1fs%s\n' "$name" "$(echo "$(now) - $t0" | bc)" \
		"$([ $rc -eq 0 ] || echo " FAILED (rc $rc)")"
	if [ $rc -ne 0 ]; then
		echo "---- last lines of $DART_LOGS/$name.log ----"
		tail -n 40 "$DART_LOGS/$name.log"
		echo "----"
	fi
	return $rc
}

# Cache entries are built in a temporary sibling and renamed into place, so
# an interrupted build never leaves something that looks complete.
cache_ready() { [ -e "$1/.complete" ]; }
# cache_lock DIR: hold DIR/../.NAME.lock until the script exits, so two
# checkouts on one machine never build or reset the same entry at once.
cache_lock() {
	mkdir -p "$(dirname "$1")"
	exec 9>"$(dirname "$1")/.$(basename "$1").lock"
	flock 9
}
cache_commit() { touch "$1/.complete"; }

deb_version() { dpkg-query -W -f='${Version}' "$1"; }

linux_src_dir() {
	echo "$DART_CACHE/linux-src/$(deb_version linux-source-6.12)"
}

# The kernel variant scripts build and boot: "test" (the default: the debug
# kernel every test runs on), "bench" (make bench: the same without the
# debug options, see kernel-bench.config), "coverage" (make coverage: the
# test kernel with gcov, kernel-coverage.config) or "builtin" (the test
# kernel with the in-tree series applied and the driver built in, see
# kernel-builtin.config; the series is $DART_SERIES).
DART_KERNEL=${DART_KERNEL:-test}
DART_SERIES=${DART_SERIES:-$DART_OUT/patches}

# kernel_fragments [VARIANT]: the config fragments of a kernel variant, in
# the order they are applied (for a symbol set twice, the last line wins).
kernel_fragments() {
	echo "$DART_TOP/tools/platform/kernel.config"
	case ${1:-$DART_KERNEL} in
	test) ;;
	bench) echo "$DART_TOP/tools/platform/kernel-bench.config" ;;
	coverage) echo "$DART_TOP/tools/platform/kernel-coverage.config" ;;
	builtin) echo "$DART_TOP/tools/platform/kernel-builtin.config" ;;
	*) echo "unknown kernel variant ${1:-$DART_KERNEL}" >&2; return 1 ;;
	esac
}

# kernel_build_dir [VARIANT]: its cache entry, keyed by its fragments (and
# for the built-in kernel by the series too).
kernel_build_dir() {
	local frags series=()
	frags=$(kernel_fragments "$@") || return 1
	[ "${1:-$DART_KERNEL}" = builtin ] && series=("$DART_SERIES"/000[1-9]*.patch)
	# shellcheck disable=SC2086 # paths without spaces, one per line
	echo "$DART_CACHE/kernel/$(hash_of $frags "${series[@]}" \
		"$DART_TOP/tools/platform/build-kernel.sh" |
		sed "s/^/$(deb_version linux-source-6.12)-/")"
}

qemu_src_version() {
	apt-cache showsrc qemu | sed -n 's/^Version: //p' | sort -V | tail -n 1
}

# Register maps in tools/testing/include that QEMU's models include too;
# build-qemu.sh copies them into QEMU's tree.
qemu_shared_headers=(
	"$DART_TOP/tools/testing/include/apple-dart-test-engine.h"
	"$DART_TOP/tools/testing/include/apple-dart-display-regs.h"
)

qemu_bin_dir() {
	local ver
	ver=$(qemu_src_version)
	echo "$DART_CACHE/qemu/${ver//[:+~]/_}/bin/$(hash_of "$DART_TOP/tools/qemu" \
		"${qemu_shared_headers[@]}" \
		"$DART_TOP/tools/platform/build-qemu.sh")"
}

busybox_dir() {
	echo "$DART_CACHE/busybox/$(hash_of "$DART_TOP/tools/platform/fetch-busybox.sh")"
}

# The scenarios make check runs, in order: every
# tools/testing/guest/scenarios/*.sh except those whose first line says
# "# manual" (make run's demo, say).
scenarios() {
	local f
	for f in "$DART_TOP"/tools/testing/guest/scenarios/*.sh; do
		head -n 1 "$f" | grep -q '^# manual' && continue
		basename "$f" .sh
	done
}

# header_regs_sh HEADER PREFIX: the "#define PREFIX_NAME 0x..." constants of
# a plain-C register header as NAME=VALUE shell assignments, so scripts use
# the header's names instead of restating its numbers.
header_regs_sh() {
	sed -n "s/^#define[[:space:]]\+\($2_[A-Z0-9_]*\)[[:space:]]\+\(0x[0-9a-fA-F]\+\|[0-9]\+\)u*l*[[:space:]]*\(\/\*.*\)\?\$/\1=\2/p" "$1"
}
