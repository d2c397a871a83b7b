# SPDX-License-Identifier: GPL-2.0
#
# test-qemu-lib.sh: what the qtest stages (test-qemu-display.sh,
# test-qemu-model.sh) share: a machine under QEMU's qtest accelerator (no
# guest), driven over stdin one command at a time.  Sourced after lib.sh;
# the caller sets $log (the log file prefix) and $qt_machine (-machine).

qemu=$(qemu_bin_dir)/qemu-system-aarch64
fail=0

nok() {
	echo "not ok: $*"
	fail=1
}

# qt_start NAME [qemu args]: a machine under qtest, its log in $log-NAME.log.
qt_start() {
	local name=$1
	shift
	qlog=$log-$name.log
	coproc QT { exec "$qemu" -machine "$qt_machine" -m 1G \
		-accel qtest -qtest stdio -qtest-log /dev/null -nodefaults \
		-display none -d guest_errors -D "$qlog" "$@" 2>"$qlog.stderr"; }
}

# qt CMD: one qtest command; the value it read (if any) goes to $val.
qt() {
	local reply=
	echo "$1" >&"${QT[1]}"
	read -r -t 60 reply <&"${QT[0]}" || true
	case $reply in
	OK*) val=${reply#OK }; [ "$val" = "$reply" ] || val=$((val)) ;;
	*) nok "qtest '$1' answered '$reply'"; val=-1 ;;
	esac
}

qt_stop() {
	kill "$QT_PID" 2>/dev/null
	wait "$QT_PID" 2>/dev/null || true
	# QEMU's own warnings (a blocked re-entrant access, say) are failures.
	[ ! -s "$qlog.stderr" ] || nok "QEMU warned: $(head -n 3 "$qlog.stderr")"
}

rd() { qt "readl $(($1))"; }
wr() { qt "writel $(($1)) $(($2))"; }

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || nok "$1: $2, expected $3"
}

# violations [PATTERN]: DART-VIOLATION lines (matching PATTERN) so far.
violations() { grep -c "DART-VIOLATION.*${1:-}" "$qlog" || true; }
