# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for scenario scripts (busybox sh), sourced by /init.
#
# Every test result reaches the host as a block on the console:
#   @@DART-BEGIN <kind> <suite>
#   ... KTAP / TAP lines ...
#   @@DART-END <kind> <suite> rc=<exit code>
# tools/platform/parse-results.py turns the blocks into results lines.  A
# block without its END line (the guest died inside it) is a failure.

# Under make check the scenario's output goes through kmsg_lines: each line
# becomes one kernel log record, tagged "dart| ", so the console prints it
# whole.  Written straight to the console, a line could be cut by a kernel
# message printed meanwhile (seen: a virtio_blk notice inside a result
# line, which renamed the test).  parse-results.py strips the tag.

DART_MOD=/dart/modules
DART_BIN=/dart/bin

# Options from the kernel command line: dart.filter=GLOB limits which tests
# run (KUnit gets it as kunit.filter_glob on the command line already);
# dart.random_ops=N and dart.random_seed=S go to dart_random_test (more
# operations than make check's 100000, or a failure's seed to replay it:
# make check DART_APPEND="dart.random_ops=1000000").
dart_filter=$(sed -n 's/.*dart\.filter=\([^ ]*\).*/\1/p' /proc/cmdline)
DART_RANDOM_OPS=$(sed -n 's/.*dart\.random_ops=\([0-9]*\).*/\1/p' /proc/cmdline)
DART_RANDOM_SEED=$(sed -n 's/.*dart\.random_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
export DART_RANDOM_OPS DART_RANDOM_SEED

# dart.builtin=1 (the built-in kernel's boots, check.sh builtin): the driver
# and its page-table backend are part of the kernel, so the scenarios'
# insmod of them has nothing to load; it succeeds if the driver is there.
# Every other module loads as usual.
dart_builtin=$(sed -n 's/.*dart\.builtin=\([^ ]*\).*/\1/p' /proc/cmdline)
insmod() {
	case $dart_builtin:${1##*/} in
	1:apple_dart.ko | 1:io-pgtable-dart.ko)
		echo "# ${1##*/}: built into the kernel"
		builtin_kunit
		[ -d /sys/bus/platform/drivers/apple-dart ]
		;;
	*) command insmod "$@" ;;
	esac
}

# The built-in KUnit suites ran at boot, before /init: their results, once.
builtin_kunit() {
	local r s
	[ -n "$builtin_kunit_done" ] && return
	builtin_kunit_done=1
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -e "$r" ] || continue
		s=$(basename "$(dirname "$r")")
		dart_begin kunit "$s"
		cat "$r"
		dart_end kunit "$s" 0
	done
}

# dmesg without the scenario's own output: under make check that is in the
# kernel log too, and a check that greps dmesg for a driver's message must
# not find its own echo of it.
dmesg() {
	command dmesg "$@" | grep -v '^\[[^]]*\] dart| '
}

# darts_refused MESSAGE N: exactly N DARTs failed probe saying MESSAGE, and
# no IOMMU was registered (a refused DART must leave nothing behind).
darts_refused() {
	local n
	n=$(dmesg | grep -c "apple-dart .*: $1")
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	[ "$n" = "$2" ] && [ -z "$(ls /sys/class/iommu)" ]
}

# kmsg_lines: copy stdin to the kernel log, a record per line.  A record
# holds at most 1 KiB, so longer lines go out in pieces.
kmsg_lines() {
	local l
	exec 3>/dev/kmsg
	while IFS= read -r l || [ -n "$l" ]; do
		while [ ${#l} -gt 900 ]; do
			printf 'dart| %s\n' "${l:0:900}" >&3
			l=${l:900}
		done
		printf 'dart| %s\n' "$l" >&3
	done
	exec 3>&-
}

dart_begin() { echo "@@DART-BEGIN $1 $2"; }
dart_end() { echo "@@DART-END $1 $2 rc=$3"; }

# engine_lib: load dart_test_engine.ko, the DMA test engine library every
# engine test module links against, unless it is in already (insmod does
# not load what a module depends on).
engine_lib() {
	grep -q '^dart_test_engine ' /proc/modules ||
		insmod "$DART_MOD/dart_test_engine.ko"
}

# ktest_kunit MODULE.ko [params]: load a KUnit module (its suites run at
# load), print each new suite's results, then unload it.
ktest_kunit() {
	local ko=$1 name rc suites r s
	shift
	name=$(basename "$ko" .ko)
	# Built in, the series' suites ran at boot (builtin_kunit).
	case $dart_builtin:$name in
	1:apple-dart_kunit | 1:io-pgtable-dart_kunit)
		echo "# $ko: built into the kernel, its suites ran at boot"
		builtin_kunit
		return
		;;
	esac
	suites_before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	if ! insmod "$DART_MOD/$ko" "$@"; then
		dart_begin kunit "$name"
		echo "not ok 1 insmod $ko"
		dart_end kunit "$name" 1
		return
	fi
	for r in /sys/kernel/debug/kunit/*/results; do
		s=$(basename "$(dirname "$r")")
		case " $(echo $suites_before) " in *" $s "*) continue ;; esac
		dart_begin kunit "$s"
		cat "$r"
		dart_end kunit "$s" 0
	done
	rmmod "$name"
	rc=$?
	dart_begin check "modules"
	if [ $rc -eq 0 ]; then echo "ok 1 rmmod $name"; else echo "not ok 1 rmmod $name"; fi
	dart_end check "modules" 0
}

# ktest_selftest BINARY [args]: run a kselftest binary from /dart/bin.
ktest_selftest() {
	local bin=$1 rc
	shift
	dart_begin kselftest "$bin"
	if [ -n "$dart_filter" ]; then
		"$DART_BIN/$bin" -t "$dart_filter" "$@"
	else
		"$DART_BIN/$bin" "$@"
	fi
	rc=$?
	dart_end kselftest "$bin" $rc
}

# ktest_check SUITE NAME CMD...: a one-line shell check as a test result.
ktest_check() {
	local suite=$1 name=$2
	shift 2
	dart_begin check "$suite"
	if "$@"; then echo "ok 1 $name"; else echo "not ok 1 $name"; fi
	dart_end check "$suite" 0
}

# dma_debug_clean: DMA-API debug found no error in this boot.
dma_debug_clean() {
	[ "$(cat /sys/kernel/debug/dma-api/error_count)" = 0 ]
}

# kmemleak_report: scan for leaks now and print the objects kmemleak finds
# unreferenced in a "kmemleak" block; parse-results.py makes each one a
# failure, and a block without the @@kmemleak-scanned line (the scan could
# not run) one too.  The test kernel never scans in the background
# (kernel.config), so what the block lists is this boot's.  A scan leaves
# out objects younger than 5 s (MSECS_MIN_AGE in mm/kmemleak.c): the
# second scan starts 5 s after the first began, so it judges what the
# scenario's last tests allocated too, and drops what the first only saw
# unreferenced because a pointer to it was in flight.
# gcov_dump: with dart.gcov=1 (make coverage), the gcov counts of our
# modules, as a base64 gzip'd newc cpio between @@DART-GCOV markers, for
# tools/platform/coverage.sh.  The debugfs files report size 0, so they
# are copied with cat first; the counts of modules unloaded in the boot
# are still there (gcov_persist).
gcov_dump() {
	local d=/sys/kernel/debug/gcov t=/tmp/gcov f
	grep -q 'dart\.gcov=1' /proc/cmdline || return 0
	if [ ! -d $d ]; then
		echo "@@DART-GCOV-NONE no $d in this kernel"
		return 0
	fi
	rm -rf $t
	(cd $d && find . -name '*.gcda' | grep /drivers/iommu/) |
		while read -r f; do
			mkdir -p "$t/${f%/*}"
			cat "$d/$f" >"$t/$f"
		done
	echo "@@DART-GCOV-BEGIN"
	(cd $t && find . -name '*.gcda' | cpio -o -H newc 2>/dev/null | gzip | base64)
	echo "@@DART-GCOV-END"
}

kmemleak_report() {
	local f=/sys/kernel/debug/kmemleak t0 wait
	dart_begin kmemleak boot
	t0=$(cut -d' ' -f1 /proc/uptime)
	if echo scan >$f; then
		wait=$(awk -v t="$t0" '{ w = t + 5 - $1; print (w > 0 ? int(w * 1e6) : 0) }' /proc/uptime)
		usleep "$wait"
		echo scan >$f
		cat $f
		echo "# kmemleak: two scans in $(awk -v t="$t0" '{ print $1 - t }' /proc/uptime) s"
		echo "@@kmemleak-scanned"
	else
		echo "# kmemleak: scan failed"
	fi
	dart_end kmemleak boot 0
}

# blk_file_round_trip: write a file of random data on ext2 on /dev/vda, drop
# the page cache so the read really comes from the device, read it back
# through the DART and compare checksums; the remount also reads the file
# system's own metadata back from the disk.  The disk must keep what is
# written (a null-co drive under snapshot=on does).
blk_file_round_trip() {
	local grp type sum1 sum2
	grp=$(readlink /sys/block/vda/device/../iommu_group 2>/dev/null) || {
		echo "# vda has no iommu group"
		return 1
	}
	type=$(cat /sys/block/vda/device/../iommu_group/type)
	echo "# vda iommu group: $grp ($type)"
	# Through an identity domain the round trip would prove nothing.
	case $type in DMA | DMA-FQ) ;; *) return 1 ;; esac
	mke2fs -q /dev/vda >/dev/null || return 1
	mkdir -p /mnt/vda
	mount -t ext2 /dev/vda /mnt/vda || return 1
	dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null
	sum1=$(md5sum </tmp/blob)
	cp /tmp/blob /mnt/vda/blob && sync
	umount /mnt/vda || return 1
	echo 3 >/proc/sys/vm/drop_caches
	mount -t ext2 /dev/vda /mnt/vda || return 1
	sum2=$(md5sum </mnt/vda/blob)
	umount /mnt/vda
	echo "# written $sum1"
	echo "# read    $sum2"
	[ -n "$sum1" ] && [ "$sum1" = "$sum2" ]
}
