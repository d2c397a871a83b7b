#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract linux-source-6.12 and build the arm64 kernel of variant
# $DART_KERNEL (Image plus Module.symvers): the test kernel from
# tools/platform/kernel.config, the bench kernel from that and
# kernel-bench.config, or the built-in kernel from that and
# kernel-builtin.config on the tree with the series $DART_SERIES applied;
# into a cache directory keyed by the source package version and the
# fragments' (and the series') hash.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/intree-lib.sh"

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
	echo "kernel ($DART_KERNEL): cached $kb"
	exit 0
fi
rm -rf "$kb"
mkdir -p "$kb"
t0=$(now)
if [ "$DART_KERNEL" = builtin ]; then
	# The series on a private hard-linked copy of the tree, next to
	# the entry (the intree stage's shared one changes under a build
	# this long).
	ls "$DART_SERIES"/000[1-9]*.patch >/dev/null ||
		{ echo "kernel (builtin): no series in $DART_SERIES (the intree stage makes it)"; exit 1; }
	rm -rf "$kb.tree"
	intree_apply "$DART_SERIES" "$kb.tree"
	src=$kb.tree/src
fi
mapfile -t frags < <(kernel_fragments)
frag=$kb/fragment.config
cat "${frags[@]}" >"$frag"
KCONFIG_ALLCONFIG=$frag make -C "$src" O="$kb" allnoconfig

# Kconfig silently drops symbols whose dependencies are unmet: check that
# every line of the last fragment, and of the ones before it where no later
# one sets the symbol, made it into .config.  In the bench kernel a test
# line may depend on a debug option the bench fragment turns off (a
# sanitizer's mode, say): reported, not fatal.
bad=0
last=${frags[-1]}
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case $line in '#'* | '') continue ;; esac
		sym=${line%%=*}
		val=${line#*=}
		# The last line setting a symbol is the one that counts.
		[ "$(grep "^$sym=" "$frag" | tail -n 1)" = "$line" ] || continue
		if [ "$val" = n ]; then
			grep -qx "$sym=y\|$sym=m" "$kb/.config" || continue
		elif grep -qxF "$line" "$kb/.config"; then
			continue
		fi
		got=$(grep "^$sym=\|# $sym " "$kb/.config" || true)
		if [ "$f" = "$last" ]; then
			echo "$(basename "$f"): $line did not apply (got: $got)"
			bad=1
		else
			echo "$(basename "$f"): $line not in the $DART_KERNEL kernel (got: $got)"
		fi
	done <"$f"
done
[ $bad -eq 0 ]

make -C "$src" O="$kb" -j"$JOBS" Image modules
cache_commit "$kb"
printf 'kernel (%s): built %s in %.0fs\n' "$DART_KERNEL" "$kb" "$(echo "$(now) - $t0" | bc)"
