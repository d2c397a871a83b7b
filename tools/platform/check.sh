#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [check|run|bench]: everything behind "make check", "make run"
# and "make bench".
#   check: set up the host, build (or take from the cache) QEMU and the test
#          kernel, build our modules and tests, boot every scenario and the
#          benchmark's smoke (bench-smoke: bench.sh smoke), and write
#          $DART_OUT/results.txt; the last line printed is
#          "N passed, N failed, N skipped".
#   run:   only what that boot needs (QEMU, the kernel, busybox, our
#          modules without sparse, the kselftests, the initramfs), then
#          boot the "run" scenario: a demo of what the modules do, then a
#          shell when stdin is a terminal.
#   bench: the same set-up on the bench kernel (DART_KERNEL=bench, with
#          DART_OUT=out/bench from the Makefile), without the checks of the
#          sources, then bench.sh full: the report in out/bench/.
#   coverage: the same set-up on the coverage kernel (DART_KERNEL=coverage,
#          DART_OUT=out/coverage), our modules built with gcov, every
#          scenario of make check (or SCENARIO) booted, then coverage.sh:
#          line and branch coverage merged over the boots.
#   builtin: the same set-up on the built-in kernel (DART_KERNEL=builtin,
#          the series in DART_SERIES built with the driver in, DART_OUT
#          out/builtin), then the boots of $builtin_scenarios with
#          dart.builtin=1; make check runs it as its "builtin"
#          pseudo-scenario and judges those boots as builtin-NAME.
# Environment: SCENARIO (boot only these, space separated), FILTER (a test
# glob passed to KUnit and kselftests), GDB=1 (QEMU waits for gdb), QUICK=1
# (skip the source checks, as make run does).
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

# check_stage NAME CMD...: a stage that checks rather than builds what the
# guest boots with; make run (it only wants the machine up) and make bench
# (it leaves them to make check) skip it, and so does QUICK=1 (a developer
# iterating on a few scenarios; CI never sets it).
check_stage() {
	case $mode in run | bench | coverage | builtin) return 0 ;; esac
	[ -n "${QUICK:-}" ] || stage "$@"
}
# The scenarios the built-in kernel boots: the driver's and the client's on
# apple-dart=full (the virtio disk probes before any module could load)
# and the display machine's boot mappings; none unloads the driver.
builtin_scenarios="driver-dma client-ours driver-display-unlocked"
if [ "$mode" = run ]; then
	# Same objects as make check's W=1 build, without running sparse.
	export DART_SPARSE=0
fi

stage setup bash "$T/setup-host.sh" || failed_build
# The harness must be able to fail: prove the results parser catches every
# failure kind before trusting what it says about the guest.
check_stage parser-selftest python3 "$T/test_parse_results.py" || failed_build
# Documentation/ parses without a warning (Debian's docutils).
check_stage docs /usr/bin/python3 "$T/check-docs.py" "$DART_TOP" || failed_build
# One build at a time: the machine has two cores and both builds use them.
stage qemu bash "$T/build-qemu.sh" || failed_build
# The DART model's trace events exist and fire (qtest, no guest).
check_stage qemu-trace bash "$T/test-qemu-trace.sh" || failed_build
# Fidelity checks of the DART model itself (qtest, no guest).
check_stage qemu-model bash "$T/test-qemu-model.sh" || failed_build
# The display machine as the boot loader leaves it (qtest, no guest).
check_stage qemu-display bash "$T/test-qemu-display.sh" || failed_build
stage kernel bash "$T/build-kernel.sh" || failed_build
stage busybox bash "$T/fetch-busybox.sh" || failed_build
stage modules bash "$T/build-tests.sh" modules || failed_build
check_stage checkpatch bash "$T/build-tests.sh" checkpatch || failed_build
# make bench measures the oracle too; make run has no use for it, nor has
# the built-in kernel (its DARTs are the built-in driver's).
[ "$mode" = run ] || [ "$mode" = builtin ] ||
	stage oracle bash "$T/build-tests.sh" oracle || failed_build
stage selftests bash "$T/build-tests.sh" selftests || failed_build
check_stage intree bash "$T/build-tests.sh" intree || failed_build
# The series' KUnit suites through the kernel's own kunit.py, on our QEMU.
check_stage kunit-tool bash "$T/kunit-tool.sh" || failed_build
# The series' DT binding and the machines' DTBs, with Debian's dt-schema.
check_stage dt-schema bash "$T/check-dt.sh" || failed_build
stage initramfs bash "$T/build-tests.sh" initramfs || failed_build

if [ "$mode" = bench ]; then
	rc=0
	stage bench bash "$T/bench.sh" full || rc=$?
	cat "$DART_OUT/bench.txt" 2>/dev/null || true
	tail -n 3 "$DART_LOGS/bench.log"
	exit $rc
fi

if [ "$mode" = builtin ]; then
	export DART_APPEND="${DART_APPEND:+$DART_APPEND }dart.builtin=1"
	for s in $builtin_scenarios; do
		stage "boot-$s" bash "$T/run-scenario.sh" "$s"
	done
	exit 0
fi

if [ "$mode" = run ]; then
	printf 'make run: %.0fs until the boot\n' "$(echo "$(now) - $t_start" | bc)"
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

list=${SCENARIO:-$(scenarios) bench-smoke builtin}
if [ "$mode" = coverage ]; then
	# Each boot prints its gcov counts at the end (guest lib.sh).
	export DART_APPEND="${DART_APPEND:+$DART_APPEND }dart.gcov=1"
	list=${SCENARIO:-$(scenarios)}
fi
results=
for s in $list; do
	if [ "$s" = builtin ]; then
		# The built-in kernel's set-up and boots (mode builtin above),
		# in their own out/; their logs are judged here, renamed.
		bo=$DART_OUT/builtin
		mkdir -p "$bo"
		stage builtin env DART_OUT="$bo" DART_KERNEL=builtin \
			DART_SERIES="$DART_OUT/patches" bash "$T/check.sh" builtin
		for b in $builtin_scenarios; do
			for f in console qemu; do
				cp "$bo/logs/$b.$f.log" "$DART_LOGS/builtin-$b.$f.log" 2>/dev/null ||
					rm -f "$DART_LOGS/builtin-$b.$f.log"
			done
			results+=" builtin-$b"
		done
		continue
	fi
	if [ "$s" = bench-smoke ]; then
		# Both bench boots, short; their results count like a
		# scenario's, and the report's as one more (nothing about
		# speed is asserted).
		st=ok
		stage bench-smoke bash "$T/bench.sh" smoke || st="not ok"
		printf '@@DART-BEGIN check report\n%s 1 bench-report\n@@DART-END check report rc=0\n@@DART-DONE\n' \
			"$st" >"$DART_LOGS/bench-smoke.console.log"
		results+=" bench-ours bench-oracle bench-smoke"
		continue
	fi
	[ -f "$DART_TOP/tools/testing/guest/scenarios/$s.sh" ] ||
		{ echo "no scenario $s"; failed_build; }
	stage "boot-$s" bash "$T/run-scenario.sh" "$s"
	results+=" $s"
done

printf 'make %s: %.0fs until results\n' "$mode" "$(echo "$(now) - $t_start" | bc)"
echo "==> results"
rc=0
python3 "$T/parse-results.py" "$DART_OUT/results.txt" "$DART_LOGS" $results || rc=$?
# parse-results.py printed "N passed, N failed, N skipped" last.
if [ "$mode" = coverage ]; then
	stage coverage bash "$T/coverage.sh" || rc=1
	cat "$DART_OUT/coverage.txt" 2>/dev/null || true
	tail -n 2 "$DART_LOGS/coverage.log"
fi
exit $rc
