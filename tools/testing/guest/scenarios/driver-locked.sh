# SPDX-License-Identifier: GPL-2.0
# apple_dart.ko takes over the locked display DARTs (hw §6): probe writes
# nothing, masters get DMA domains whose top tables are mirrored into the
# boot loader's L1 pages entry by entry (only entries that differ), the
# boot regions are mapped in every domain before the switch, identity is
# refused, and unbinding puts the boot loader's entries back, all while
# the splash is scanned and the coprocessor's heartbeat reads its
# firmware through the DART.  The model flags every write to a locked
# register and checks every L1 store against every boot mapping.

. /dart/scenarios/display-common.sh

# Both DARTs probed as locked, with their live streams.  Catches a driver
# that refuses locked DARTs or misses a live stream.
probed() {
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	[ -e /sys/class/iommu/apple-dart.$dcp_dart ] &&
		[ -e /sys/class/iommu/apple-dart.$disp_dart ] &&
		grep -q '^locked 1$' $dbg/$dcp_dart/info &&
		grep -q '^locked 1$' $dbg/$disp_dart/info &&
		dmesg | grep -q "$dcp_dart: locked by the boot loader: 1 live streams" &&
		dmesg | grep -q "$disp_dart: locked by the boot loader: 2 live streams"
}

# Probing wrote nothing into the L1s: the model saw no store.  Catches a
# probe that rewrites (or clears) the firmware's tables before any master
# asked for a domain.
probe_stores_nothing() {
	local n=$(disp_reg $ADD_L1_STORES)
	echo "# L1 stores seen by the model: $n"
	[ "$n" = 0 ] && [ "$(dart_counter $dcp_dart l1_switches)" = 0 ]
}

# The dcp master's stream walks a DMA domain of ours; the piodma stream of
# dart-disp0 too.  Catches streams left on the firmware's entries.
own_domains() {
	stream0 | sed 's/^/# /'
	stream_line $disp_dart 4 | sed 's/^/# /'
	[ "$(dom_of)" -ge 0 ] && [ "$(stream_dom $disp_dart 4)" -ge 0 ] &&
		grep -q '^DMA' $dcp/iommu_group/type &&
		grep -q '^DMA' $piodma/iommu_group/type
}

# The L1 entries the boot regions of the dcp master occupy, as "TTBR
# index" lines: one per 32 MiB of IOVA touched, TTBRs 64 GiB apart
# (hw §4.2, 16K pages).
dcp_l1_slots() {
	local iova size pa
	while read -r iova size pa; do
		[ "$pa" = -1 ] && continue
		echo "$iova $size"
	done <<-EOT | awk '{ for (k = int($1 / 33554432); k <= int(($1 + $2 - 1) / 33554432); k++) print int(k / 2048), k % 2048 }' | sort -u
	$(dcp_regions)
	EOT
}
dcp_l1_entries() { dcp_l1_slots | wc -l; }

# Taking the dcp stream over wrote exactly the L1 entries that differ
# between the boot loader's tables and ours (those of the boot regions:
# same IOVAs, other leaf tables), not the whole table.  Catches a driver
# that copies the whole L1 (Asahi's way) or clears entries first.
takeover_writes_changed() {
	local want got
	want=$(dcp_l1_entries)
	got=$(dart_counter $dcp_dart l1_switch_entries)
	echo "# dcp takeover: $got L1 entries written, $want hold boot regions"
	[ "$got" = "$want" ] && [ "$(dart_counter $dcp_dart l1_switches)" = 1 ]
}

# Every store the model saw into a firmware L1 is one the driver counted:
# nothing writes the L1 behind the counters' back.
stores_accounted() {
	local d sum=0 n
	for d in $dcp_dart $disp_dart; do
		sum=$((sum + $(dart_counter $d l1_switch_entries) + $(dart_counter $d l1_entries_written)))
	done
	n=$(disp_reg $ADD_L1_STORES)
	echo "# model: $n L1 stores, driver: $sum"
	[ "$n" = "$sum" ]
}

# System suspend/resume (pm_test=devices) leaves a locked DART alone: no
# reset is attempted, and the streams keep translating.
suspend_resume() {
	local before=$(dart_counter $dcp_dart resets)
	echo devices >/sys/power/pm_test || return 1
	echo mem >/sys/power/state || return 1
	echo none >/sys/power/pm_test
	[ "$(dart_counter $dcp_dart resets)" = "$before" ] &&
		[ "$(dom_of)" -ge 0 ]
}

# Unbinding both DARTs releases their masters and puts the boot loader's
# entries back (one store per entry that differs, checked by the model
# against every boot mapping); rebinding takes them over again.
#
# Releasing stores at least the boot regions' entries, and each of them
# points at the boot loader's own leaf table again.  Catches a release
# that leaves our (soon freed) tables in the L1, or one that clears
# entries before rewriting them (the model flags that store).
unbind_rebind() {
	local d before after ttbrs t idx l1 e lo hi
	ttbrs=$(stream0 | awk '{ print $4 }')
	before=$(disp_reg $ADD_L1_STORES)
	for d in $dcp_dart $disp_dart; do
		echo $d > /sys/bus/platform/drivers/apple-dart/unbind || return 1
	done
	[ -z "$(ls /sys/class/iommu)" ] || return 1
	after=$(disp_reg $ADD_L1_STORES)
	echo "# L1 stores on release: $((after - before)), boot entries $(dcp_l1_entries)"
	[ $((after - before)) -ge "$(dcp_l1_entries)" ] || return 1
	# Each boot entry points into the boot loader's table pool again
	# (DART1 table entries: PA in bits 35:12, hw §4.1).
	lo=$(cells64 "$(dt_hex $rm/dart-tables@*/reg)" 0)
	hi=$((lo + $(cells64 "$(dt_hex $rm/dart-tables@*/reg)" 2)))
	while read -r t idx; do
		l1=$((($(echo "$ttbrs" | cut -d, -f$((t + 1))) & 0x7fffffff) << 12))
		e=$(($(devmem $((l1 + 8 * idx)) 64) & 0xffffff000))
		[ $e -ge $lo ] && [ $e -lt $hi ] || {
			printf '# TTBR%d entry %d -> %#x, not a boot table\n' $t $idx $e
			return 1
		}
	done <<-EOT
	$(dcp_l1_slots)
	EOT
	sleep 1
	for d in $dcp_dart $disp_dart; do
		echo $d > /sys/bus/platform/drivers/apple-dart/bind || return 1
	done
	echo $dcp_dev > /sys/bus/platform/drivers_probe 2>/dev/null
	echo $piodma_dev > /sys/bus/platform/drivers_probe 2>/dev/null
	[ -e /sys/class/iommu/apple-dart.$dcp_dart ] &&
		[ -e /sys/class/iommu/apple-dart.$disp_dart ]
}

# Unloading the module (after unbinding, as with any DART) leaves the
# display scanning and the firmware running on the boot loader's tables;
# loading it again takes the DARTs over again.
unload_reload() {
	local d
	for d in $dcp_dart $disp_dart; do
		echo $d > /sys/bus/platform/drivers/apple-dart/unbind || return 1
	done
	rmmod apple-dart && rmmod io-pgtable-dart || return 1
	sleep 1
	heartbeat || return 1
	insmod "$DART_MOD/io-pgtable-dart.ko" &&
		insmod "$DART_MOD/apple_dart.ko" || return 1
	echo $dcp_dev > /sys/bus/platform/drivers_probe 2>/dev/null
	echo $piodma_dev > /sys/bus/platform/drivers_probe 2>/dev/null
	[ "$(dom_of)" -ge 0 ] && [ "$(stream_dom $disp_dart 4)" -ge 0 ]
}

# Let the heartbeat (every 10 ms) and the scanout run on our tables; the
# DARTs saw no fault.  The model's violations fail the run on their own.
keeps_running() {
	sleep 2
	[ "$(dart_counter $dcp_dart faults)" = 0 ] && heartbeat
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check locked probed probed
ktest_check locked probe-stores-nothing probe_stores_nothing
# Binding the engines (the test client's dte_use) probes dcp and piodma.
engine_lib
insmod "$DART_MOD/apple-dart-test.ko"
ktest_check locked own-domains own_domains
ktest_check locked translations translations
ktest_check locked takeover-writes-changed takeover_writes_changed
ktest_check locked stores-accounted stores_accounted
ktest_selftest dart_locked_test
ktest_check locked identity-refused identity_refused
ktest_check locked switch-domain switch_domain
ktest_check locked suspend-resume suspend_resume
ktest_check locked stores-accounted-2 stores_accounted
ktest_check locked keeps-running keeps_running
ktest_check locked unbind-rebind unbind_rebind
ktest_check locked keeps-running-2 keeps_running
ktest_check locked unload-reload unload_reload
ktest_check locked keeps-running-3 keeps_running
# A locked DART bound again with its Nth allocation failing, N = 1, 2, ...
# (dart_fail_nth's probe sweeps, on the DART of the first engine, which
# is locked here), then that engine (piodma) and the coprocessor bound
# again the same way (master_bind, master_bind_boot: the coprocessor's
# default domain maps its boot regions): the probe of a locked DART, of
# its masters and their boot regions fail cleanly, and the firmware never
# notices (the model fails the run on a faulted frame or heartbeat).
ktest_selftest dart_fail_nth -t probe -t probe_in_driver -t master_bind \
	-t master_bind_boot
ktest_check locked keeps-running-4 keeps_running
ktest_check locked scanout-frames scanout_frames
ktest_check locked scanout-splash scanout_splash
ktest_check locked dma-debug-clean dma_debug_clean
