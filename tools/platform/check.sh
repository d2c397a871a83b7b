#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [check|run]: everything behind "make check" and "make run".
#   check: set up the host, build (or take from the cache) QEMU and the test
#          kernel, build our modules and tests, boot every scenario, and
#          write $DART_OUT/results.txt; the last line printed is
#          "N passed, N failed, N skipped".
#   run:   the same set-up, then boot the "run" scenario: a demo of what
#          the modules do, then a shell when stdin is a terminal.
# Environment: SCENARIO (boot only these, space separated), FILTER (a test
# glob passed to KUnit and kselftests), GDB=1 (QEMU waits for gdb).
. "$(dirname "$0")/lib.sh"

mode=${1:-check}
# Two runs sharing one out/ would delete each other's modules and logs.
exec 8>"$DART_OUT/.lock"
if ! flock -n 8; then
	echo "waiting for another make check/run using $DART_OUT"
	flock 8
fi
T=$DART_TOP/tools/platform
t_start=$(now)

failed_build() {
	echo "0 passed, 1 failed"
	exit 1
}

stage setup bash "$T/setup-host.sh" || failed_build
# The harness must be able to fail: prove the results parser catches every
# failure kind before trusting what it says about the guest.
stage parser-selftest python3 "$T/test_parse_results.py" || failed_build
# Documentation/ parses without a warning (Debian's docutils).
stage docs /usr/bin/python3 "$T/check-docs.py" "$DART_TOP" || failed_build
# One build at a time: the machine has two cores and both builds use them.
stage qemu bash "$T/build-qemu.sh" || failed_build
# The DART model's trace events exist and fire (qtest, no guest).
stage qemu-trace bash "$T/test-qemu-trace.sh" || failed_build
# Fidelity checks of the DART model itself (qtest, no guest).
stage qemu-model bash "$T/test-qemu-model.sh" || failed_build
# The display machine as the boot loader leaves it (qtest, no guest).
stage qemu-display bash "$T/test-qemu-display.sh" || failed_build
stage kernel bash "$T/build-kernel.sh" || failed_build
stage busybox bash "$T/fetch-busybox.sh" || failed_build
stage modules bash "$T/build-tests.sh" modules || failed_build
stage checkpatch bash "$T/build-tests.sh" checkpatch || failed_build
stage oracle bash "$T/build-tests.sh" oracle || failed_build
stage selftests bash "$T/build-tests.sh" selftests || failed_build
stage intree bash "$T/build-tests.sh" intree || failed_build
stage initramfs bash "$T/build-tests.sh" initramfs || failed_build

if [ "$mode" = run ]; then
	# The display handoff on its own machine first, then the tour.
	stage boot-demo-display bash "$T/run-scenario.sh" demo-display demo
	cat "$DART_LOGS/demo-display.console.log"
	if [ -t 0 ]; then
		exec bash "$T/run-scenario.sh" run interactive
	fi
	stage boot-run bash "$T/run-scenario.sh" run demo
	cat "$DART_LOGS/run.console.log"
	exit 0
fi

list=${SCENARIO:-$(scenarios)}
for s in $list; do
	[ -f "$DART_TOP/tools/testing/guest/scenarios/$s.sh" ] ||
		{ echo "no scenario $s"; failed_build; }
	stage "boot-$s" bash "$T/run-scenario.sh" "$s"
done

printf 'make %s: %.0fs until results\n' "$mode" "$(echo "$(now) - $t_start" | bc)"
echo "==> results"
rc=0
python3 "$T/parse-results.py" "$DART_OUT/results.txt" "$DART_LOGS" $list || rc=$?
# parse-results.py printed "N passed, N failed, N skipped" last.
exit $rc
