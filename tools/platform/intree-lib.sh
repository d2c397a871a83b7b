# SPDX-License-Identifier: GPL-2.0
# The shared, patched 6.12 tree of the in-tree checks (build-tests.sh intree,
# kunit-tool.sh); sourced after lib.sh, never run.
#
#   $DART_CACHE/intree/<pkgver>/src       hard-linked copy of linux-src with
#                                         the last series applied
#   $DART_CACHE/intree/<pkgver>/touched   the files that series touched
#   $DART_CACHE/intree/<pkgver>/build     O= build dir of drivers/iommu/
#
# Every checkout shares the tree: hold cache_lock "$(intree_base)" from
# before intree_apply until the tree is no longer used.

intree_base() {
	echo "$DART_CACHE/intree/$(deb_version linux-source-6.12)"
}

# intree_apply SERIES_DIR [BASE]: make BASE/src (the shared tree when BASE
# is not given) pristine 6.12 plus the series' 000[1-9]*.patch files.
# Only the files a series touches are private copies; they go back to the
# pristine links before the next series is applied, so unchanged files
# keep their timestamps and the build directories stay incremental.
intree_apply() {
	local series=$1 base=${2:-$(intree_base)} tree src f p
	tree=$base/src
	src=$(linux_src_dir)
	if [ ! -e "$tree/Makefile" ]; then
		rm -rf "$tree"
		mkdir -p "$base"
		cp -al "$src" "$tree"
		: >"$base/touched"
	fi
	while read -r f; do
		if [ -e "$src/$f" ]; then ln -f "$src/$f" "$tree/$f"; else rm -f "$tree/$f"; fi
	done <"$base/touched"
	sed -n 's#^+++ b/##p; s#^--- a/##p' "$series"/000[1-9]*.patch | sort -u >"$base/touched"
	while read -r f; do
		# Break the hard link first: patch must never write into the
		# pristine source through it.
		[ -e "$tree/$f" ] && cp "$tree/$f" "$tree/$f.unlink" && mv "$tree/$f.unlink" "$tree/$f"
	done <"$base/touched"
	for p in "$series"/000[1-9]*.patch; do
		patch -d "$tree" -p1 --quiet --no-backup-if-mismatch <"$p"
	done
}
