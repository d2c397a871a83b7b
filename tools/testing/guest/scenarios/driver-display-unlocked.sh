# SPDX-License-Identifier: GPL-2.0
# apple_dart.ko takes over the unlocked dart-dcp of the display machine
# while the coprocessor's firmware keeps running behind it: the boot
# loader's "iommu-addresses" regions (a heap at IOVA 0, code, data through
# TTBR1, the framebuffer, one IOVA = PA region) must be translated in
# every domain of the dcp master before its stream switches to it, and
# reported as reserved regions.  The model fails the run on any heartbeat
# fault or faulted frame (DART-VIOLATION) and checks at shutdown that the
# splash kept being scanned (driver-display-unlocked.qemu).

. /dart/scenarios/display-common.sh

# The dart-dcp DART probed; dart-disp0 is disabled in this DT.
probed() {
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	[ -e /sys/class/iommu/apple-dart.$dcp_dart ] &&
		[ ! -e /sys/class/iommu/apple-dart.$disp_dart ]
}

# Before its master exists, stream 0 still translates through the boot
# loader's L1 (TTBR0 points into dart-tables) with no domain of ours.
# Catches a probe that resets the live stream: the heartbeat would fault.
live_stream_kept() {
	local s tb lo hi pa
	s=$(stream0)
	echo "# $s"
	tb=$(echo "$s" | awk '{ split($4, t, ","); print t[1] }')
	lo=$(cells64 "$(dt_hex $rm/dart-tables@*/reg)" 0)
	hi=$((lo + $(cells64 "$(dt_hex $rm/dart-tables@*/reg)" 2)))
	pa=$(((tb & 0x7fffffff) << 12))
	[ "$(echo "$s" | awk '{ print $2, $5, $6 }')" = "translate -1 0" ] &&
		[ $pa -ge $lo ] && [ $pa -lt $hi ] &&
		dmesg | grep -q "$dcp_dart: stream 0 left as the boot loader programmed it"
}

# What the probe decided stream 0 becomes when its master is released
# (debugfs "release"): its boot TCR and TTBRs again, since the tables are
# in no-map memory that Linux never touches (hw §6); where the DT does not
# say no-map (driver-display-nomap.dt), blocked, with the reason in the
# log.  Catches a probe that would hand a stream back to tables in memory
# Linux may reuse, and one that would block it although its tables are
# safe (the display would go dark when the driver unloads).  The release
# itself is driver-display-nolock's reload; here it would fault the
# display, which the model fails.
release_planned() {
	local s want=blocked why f
	s=$(stream0)
	echo "# $s"
	why="$dcp_dart: stream 0: the boot loader's tables are not in no-map reserved memory; blocked, not handed back, when released"
	for f in $rm/dart-tables@*/no-map; do
		[ -e "$f" ] && want=boot
	done
	if [ $want = boot ]; then
		! dmesg | grep -qF "$why"
	else
		dmesg | grep -qF "$why"
	fi && [ "$(echo "$s" | awk '{ print $8 }')" = $want ]
}

# The master's stream now walks a DMA domain of ours.  Catches a driver
# that leaves the firmware's tables in place (the checks below would then
# prove nothing).
own_domain() {
	local s=$(stream0)
	echo "# $s"
	[ "$(dom_of)" -ge 0 ] &&
		[ "$(echo "$s" | awk '{ print $2, $6 }')" = "translate 1" ] &&
		grep -q '^DMA' $dcp/iommu_group/type
}

# Each region at its IOVA: direct for IOVA = PA, reserved for a
# translated or IOVA-only one (driver-display-nomap.dt adds one of those
# to the machine's five).  Catches regions not reported (the IOVA
# allocator could hand them out), reported at the PA instead of the IOVA,
# or a translated one reported as direct (the core would map IOVA = PA).
reserved_regions() {
	local f=$dcp/iommu_group/reserved_regions iova size pa type n=0 want
	sed 's/^/# /' $f
	while read -r iova size pa; do
		type=reserved
		[ "$pa" = "$iova" ] && type=direct
		grep -q "^$(printf '0x%016x 0x%016x' $iova $((iova + size - 1))) $type\$" $f || {
			echo "# missing: $iova +$size $type"
			return 1
		}
		n=$((n + 1))
	done <<-EOT
	$(dcp_regions)
	EOT
	want=5
	[ ! -e $rm/dcp-iova-hole ] || want=6
	[ $n = $want ]
}

# Let the heartbeat (every 10 ms) and the scanout run on our tables; the
# DART saw no fault.  The model's violations fail the run on their own.
heartbeat_runs() {
	sleep 3
	awk '$1 == "faults" { exit $2 != 0 }' $dbg/$dcp_dart/counters
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check display-unlocked probed probed
ktest_check display-unlocked live-stream-kept live_stream_kept
ktest_check display-unlocked release-planned release_planned
# Binding the engines (the test client's dte_use) probes the dcp master.
engine_lib
insmod "$DART_MOD/apple-dart-test.ko"
ktest_check display-unlocked own-domain own_domain
ktest_check display-unlocked reserved-regions reserved_regions
ktest_check display-unlocked translations translations
ktest_check display-unlocked switch-domain switch_domain
ktest_check display-unlocked identity-refused identity_refused
ktest_check display-unlocked heartbeat-runs heartbeat_runs
ktest_check display-unlocked dma-debug-clean dma_debug_clean
