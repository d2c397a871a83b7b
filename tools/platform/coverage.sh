#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage.sh: make coverage's report.  Every boot of the run printed the
# gcov counts of our modules at its end (gcov_dump in
# tools/testing/guest/lib.sh); this takes them from the console logs, puts
# each boot's next to the .gcno files the coverage build left in
# $DART_OUT/src, captures it with lcov (gcov from the cross toolchain), and
# merges the boots.  Out, in $DART_OUT:
#   coverage.info   the merged lcov data of the driver and the backend
#   coverage.txt    line and branch coverage per file, and in all
#   uncovered.txt   every line no boot ran, with its text
#   coverage-html/  genhtml's report
# A boot without counts (a scenario that died early) is named, not fatal:
# its tests failed already.
. "$(dirname "$0")/lib.sh"

src=$DART_OUT/src
work=$DART_OUT/gcov
gcov_tool=aarch64-linux-gnu-gcov
rc_branch=(--rc lcov_branch_coverage=1)
# lcov 1.16's geninfo warns about its own redefined subroutines with
# Debian's perl: noise, dropped; everything else it says stays.
lcov() {
	command lcov "$@" 2> >(grep -v '^Subroutine .* redefined' >&2)
}
rm -rf "$work" "$DART_OUT/coverage-html"
mkdir -p "$work"
find "$src" -name '*.gcda' -delete

infos=()
for log in "$DART_LOGS"/*.console.log; do
	name=$(basename "$log" .console.log)
	grep -q '@@DART-SCENARIO' "$log" || continue
	sed -n '/@@DART-GCOV-BEGIN/,/@@DART-GCOV-END/p' "$log" |
		sed -n 's/^.*dart| //p' | tr -d '\r' | grep -v '^@@DART-GCOV' >"$work/$name.b64"
	if [ ! -s "$work/$name.b64" ]; then
		echo "coverage: $name printed no gcov counts"
		continue
	fi
	mkdir -p "$work/$name"
	# A boot that never loaded our modules (the 6.12 oracle's) prints an
	# empty archive; one that does not unpack is named and left out.
	if ! base64 -d "$work/$name.b64" 2>/dev/null | gunzip 2>/dev/null |
		(cd "$work/$name" && cpio -idm --quiet 2>/dev/null); then
		echo "coverage: $name: no counts that unpack, left out"
		continue
	fi
	if [ -z "$(find "$work/$name" -name '*.gcda')" ]; then
		echo "coverage: $name: no counts of ours"
		continue
	fi
	# debugfs mirrors the build's absolute paths: back where gcov
	# expects them, next to the .gcno files.
	n=0
	while read -r f; do
		rel=${f#"$work/$name/"}
		rel=/${rel#./}
		[ -e "${rel%.gcda}.gcno" ] || { echo "coverage: $name: no .gcno for $rel"; exit 1; }
		cp "$f" "$rel"
		n=$((n + 1))
	done < <(find "$work/$name" -name '*.gcda')
	lcov --quiet --capture --gcov-tool "$gcov_tool" "${rc_branch[@]}" \
		--directory "$src/drivers/iommu" --base-directory "$src" \
		--test-name "${name//-/_}" -o "$work/$name.info" ||
		{ echo "coverage: lcov failed on $name"; exit 1; }
	find "$src" -name '*.gcda' -delete
	infos+=(-a "$work/$name.info")
	echo "coverage: $name: $n files"
done
[ ${#infos[@]} -gt 0 ] || { echo "coverage: no boot printed gcov counts"; exit 1; }

lcov --quiet "${rc_branch[@]}" "${infos[@]}" -o "$work/all.info"
# The driver and the backend; their KUnit suites are tests, not product.
lcov --quiet "${rc_branch[@]}" --extract "$work/all.info" \
	"$src/drivers/iommu/apple-dart.c" "$src/drivers/iommu/apple-dart-*.c" \
	"$src/drivers/iommu/io-pgtable-dart.c" -o "$DART_OUT/coverage.info"
python3 - "$DART_OUT/coverage.info" "$src/" "$DART_OUT/coverage.txt" \
	"$DART_OUT/uncovered.txt" <<'EOF'
import sys
info, prefix, table, uncov = sys.argv[1:]
files = {}
cur = None
for line in open(info):
    line = line.strip()
    if line.startswith('SF:'):
        cur = files.setdefault(line[3:], {'da': {}, 'br': {}})
    elif line.startswith('DA:'):
        n, c = line[3:].split(',')[:2]
        cur['da'][int(n)] = cur['da'].get(int(n), 0) + int(c)
    elif line.startswith('BRDA:'):
        n, b, br, t = line[5:].split(',')
        key = (int(n), b, br)
        cur['br'][key] = cur['br'].get(key, 0) + (0 if t == '-' else int(t))
rows, tl, th, tb, tbh = [], 0, 0, 0, 0
with open(uncov, 'w') as u:
    for sf in sorted(files):
        f = files[sf]
        lf, lh = len(f['da']), sum(1 for c in f['da'].values() if c)
        bf, bh = len(f['br']), sum(1 for c in f['br'].values() if c)
        tl, th, tb, tbh = tl + lf, th + lh, tb + bf, tbh + bh
        name = sf[len(prefix):] if sf.startswith(prefix) else sf
        rows.append((name, lh, lf, bh, bf))
        text = open(sf).read().split('\n')
        for n in sorted(k for k, c in f['da'].items() if not c):
            u.write('%s:%d: %s\n' % (name, n, text[n - 1].strip()))
pct = lambda a, b: 100.0 * a / b if b else 100.0
with open(table, 'w') as t:
    t.write('%-36s %-18s %s\n' % ('file', 'lines', 'branches'))
    for name, lh, lf, bh, bf in rows + [('all', th, tl, tbh, tb)]:
        t.write('%-36s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%\n' %
                (name, lh, lf, pct(lh, lf), bh, bf, pct(bh, bf)))
EOF
genhtml --quiet --branch-coverage -o "$DART_OUT/coverage-html" \
	"$DART_OUT/coverage.info" >/dev/null ||
	{ echo "coverage: genhtml failed"; exit 1; }
cat "$DART_OUT/coverage.txt"
echo "coverage: $(wc -l <"$DART_OUT/uncovered.txt") lines never run: $DART_OUT/uncovered.txt"
echo "coverage: HTML report in $DART_OUT/coverage-html/index.html"
