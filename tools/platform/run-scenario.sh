#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh NAME [interactive|demo]: boot the emulated machine once with
# the initramfs that build-tests.sh packs and run scenario NAME in the guest.
# The console goes to $DART_LOGS/NAME.console.log and QEMU's guest-error log
# (where the device models report violations) to $DART_LOGS/NAME.qemu.log.
# Environment: FILTER (a test glob), GDB=1 (wait for gdb on :1234),
# TIMEOUT (seconds, default 300), DART_APPEND (more kernel command line).
. "$(dirname "$0")/lib.sh"

name=$1
mode=${2:-batch}
qemu=$(qemu_bin_dir)/qemu-system-aarch64
kernel=$(kernel_build_dir)/arch/arm64/boot/Image
machine="virt"
extra=()
# NAME.qemu: QEMU arguments, one or more per line; "include OTHER" takes
# scenario OTHER's lines there (a variant of a machine states only what
# it changes; a NAME.dt is each scenario's own).
read_qfile() {
	local line words
	[ "${qdepth:=0}" -lt 4 ] ||
		{ echo "$1: includes nested more than 4 deep"; exit 1; }
	qdepth=$((qdepth + 1))
	while IFS= read -r line; do
		line=${line%$'\r'}
		line=${line%"${line##*[![:space:]]}"}
		case $line in '#'* | '') continue ;; esac
		case $line in
		'-machine '*) machine=${line#-machine } ;;
		'include '*)
			[ -f "$scen/${line#include }.qemu" ] ||
				{ echo "$1: no scenario ${line#include }"; exit 1; }
			read_qfile "$scen/${line#include }.qemu" ;;
		*) read -r -a words <<<"$line"; extra+=("${words[@]}") ;;
		esac
	done <"$1"
	qdepth=$((qdepth - 1))
}
scen=$DART_TOP/tools/testing/guest/scenarios
qfile=$scen/$name.qemu
[ ! -f "$qfile" ] || read_qfile "$qfile"

# NAME.dt, if present, edits the machine's own device tree: a bash snippet
# run here with $dtb the DTB QEMU builds for the scenario's arguments
# (dumpdtb), changed in place with fdtput; the guest then boots with it.
dtedit=$DART_TOP/tools/testing/guest/scenarios/$name.dt
if [ -f "$dtedit" ]; then
	dtb=$DART_OUT/$name.dtb
	rm -f "$dtb"
	"$qemu" -machine "$machine,dumpdtb=$dtb" -cpu max -smp 2 -m 1G \
		-nographic -nic none "${extra[@]}" >/dev/null 2>&1
	[ -s "$dtb" ] || { echo "$name: no DTB from dumpdtb"; exit 1; }
	dtb=$dtb bash -eu "$dtedit" || { echo "$name: $dtedit failed"; exit 1; }
	extra+=(-dtb "$dtb")
fi

append="console=ttyAMA0 earlycon panic=-1 rdinit=/init dart.scenario=$name"
append+=" deferred_probe_timeout=-1"
if [ -n "${FILTER:-}" ]; then
	append+=" dart.filter=$FILTER kunit.filter_glob=$FILTER"
fi
# The guest sends results as kernel log records (tools/testing/guest/lib.sh):
# let user space write them unthrottled, into a log large enough that none
# is dropped before the console prints it.
append+=" printk.devkmsg=on log_buf_len=4M"
[ -n "${DART_APPEND:-}" ] && append+=" $DART_APPEND"
[ "$mode" = interactive ] && append+=" dart.shell=1"
[ "$mode" = demo ] && append+=" dart.direct=1"
gdb=()
[ "${GDB:-0}" = 1 ] && gdb=(-s -S)

cmd=("$qemu" -machine "$machine" -cpu max -smp 2 -m 1G -nographic -no-reboot
	-nic none -kernel "$kernel" -initrd "$DART_OUT/initramfs.cpio.gz"
	-append "$append" -d guest_errors -D "$DART_LOGS/$name.qemu.log"
	"${extra[@]}" "${gdb[@]}")

if [ "$mode" = interactive ]; then
	exec "${cmd[@]}"
fi
rc=0
timeout "${TIMEOUT:-300}" "${cmd[@]}" </dev/null >"$DART_LOGS/$name.console.log" 2>&1 || rc=$?
echo "@@DART-QEMU-EXIT rc=$rc" >>"$DART_LOGS/$name.console.log"
exit 0
