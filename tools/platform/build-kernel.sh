#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract linux-source-6.12 and build the arm64 test kernel (Image plus
# Module.symvers) from tools/platform/kernel.config, into a cache directory
# keyed by the source package version and the fragment's hash.
. "$(dirname "$0")/lib.sh"

src=$(linux_src_dir)
# The extracted tree is shared by every kernel configuration: its own lock,
# held only while extracting (the subshell drops it).
(
	cache_lock "$src"
	if ! cache_ready "$src"; then
		rm -rf "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf /usr/src/linux-source-6.12.tar.* -C "$src.tmp" --strip-components=1
		rm -rf "$src"
		mv "$src.tmp" "$src"
		cache_commit "$src"
	fi
)

kb=$(kernel_build_dir)
cache_lock "$kb"

if cache_ready "$kb"; then
	echo "kernel: cached $kb"
	exit 0
fi
rm -rf "$kb"
mkdir -p "$kb"
frag=$DART_TOP/tools/platform/kernel.config
KCONFIG_ALLCONFIG=$frag make -C "$src" O="$kb" allnoconfig

# Kconfig silently drops symbols whose dependencies are unmet: check that
# every line of the fragment made it into .config.
bad=0
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	sym=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		grep -qx "$sym=y\|$sym=m" "$kb/.config" || continue
	elif grep -qxF "$line" "$kb/.config"; then
		continue
	fi
	echo "kernel.config: $line did not apply (got: $(grep "^$sym=\|# $sym " "$kb/.config"))"
	bad=1
done <"$frag"
[ $bad -eq 0 ]

make -C "$src" O="$kb" -j"$JOBS" Image modules
cache_commit "$kb"
echo "kernel: built $kb"
