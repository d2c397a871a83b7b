# SPDX-License-Identifier: GPL-2.0
# apple_dart.ko beyond the first probe: lazy (flush-queue) and identity
# domains chosen through sysfs, the MSI doorbell reservation of PCI
# devices, debugfs, system suspend/resume (pm_test=devices), and unbind,
# unload and reload with devices behind the DARTs.

dbg=/sys/kernel/debug/iommu/apple-dart
eng_a=/sys/bus/platform/devices/90f0000.dma-test
eng_usb4=/sys/bus/platform/devices/90f3000.dma-test
eng_t6000=/sys/bus/platform/devices/90f4000.dma-test
# The library the engine test modules below link against.
engine_lib

grp_of() { readlink "$1/iommu_group" | sed 's|.*/||'; }

# Domain id and a counter of the domain translating stream $2 of DART $1.
dom_of() { awk -v s="$2" '$1 == s { print $5 }' "$dbg/$1/streams"; }
dom_cnt() { awk -v k="$2" '$1 == k { print $2 }' "$dbg/domains/$1/counters"; }
dart_cnt() { awk -v k="$2" '$1 == k { print $2 }' "$dbg/$1/counters"; }

# A DART's counter summed over all DARTs.
sum_cnt() {
	local d n=0
	for d in "$dbg"/*.iommu; do
		n=$((n + $(dart_cnt "$(basename "$d")" "$1")))
	done
	echo $n
}

pcie_io() {
	[ -b /dev/vda ] || return 1
	dd if=/dev/vda of=/dev/null bs=64k count=128 2>/dev/null &&
		dd if=/dev/zero of=/dev/vda bs=64k count=32 conv=fsync 2>/dev/null
}

# --- sysfs domain types, while no driver is bound ---------------------------
# The engines join their groups when a driver first binds them
# (of_dma_configure), so dart_engine_dma_kunit.ko runs once before this.
# DMA to DMA-FQ converts the group's domain in place: remember where its
# counters stood.
set_type_lazy() {
	local g
	g=$(grp_of $eng_a) || return 1
	echo DMA-FQ >/sys/kernel/iommu_groups/$g/type &&
		[ "$(cat /sys/kernel/iommu_groups/$g/type)" = DMA-FQ ] || return 1
	lazy_dom=$(dom_of 90c0000.iommu 1)
	lazy_sync=$(dom_cnt "$lazy_dom" sync)
	lazy_flush=$(dom_cnt "$lazy_dom" flush_all)
}

set_type_identity() {
	local g
	g=$(grp_of $eng_t6000) || return 1
	echo identity >/sys/kernel/iommu_groups/$g/type &&
		[ "$(cat /sys/kernel/iommu_groups/$g/type)" = identity ]
}

# The USB4 DART cannot bypass (hw §2.1): the core must refuse identity.
refuse_identity_no_bypass() {
	local g
	g=$(grp_of $eng_usb4) || return 1
	! echo identity >/sys/kernel/iommu_groups/$g/type 2>/dev/null &&
		[ "$(cat /sys/kernel/iommu_groups/$g/type)" = DMA ]
}

# Lazy mode: unmaps are batched into flush_iotlb_all by the flush queue,
# never synced one by one.
lazy_flushes_batched() {
	local d=$lazy_dom
	sleep 1
	echo "# domain $d, before: sync $lazy_sync flush_all $lazy_flush; now:"
	sed 's/^/#   /' "$dbg/domains/$d/counters"
	[ "$(dom_cnt "$d" flush_all)" -gt "$lazy_flush" ] &&
		[ "$(dom_cnt "$d" sync)" = "$lazy_sync" ]
}

identity_bypass() {
	grep -E '^3 ' $dbg/90c8000.iommu/streams | sed 's/^/# /'
	grep -qE '^3 bypass ' $dbg/90c8000.iommu/streams
}

msi_reserved() {
	local g
	g=$(readlink /sys/block/vda/device/../iommu_group | sed 's|.*/||')
	sed 's/^/# /' /sys/kernel/iommu_groups/$g/reserved_regions
	grep -q '^0x00000000ffffc000 0x00000000ffffffff msi$' \
		/sys/kernel/iommu_groups/$g/reserved_regions
}

# --- debugfs --------------------------------------------------------------
debugfs_dump() {
	local f d pages
	for f in "$dbg"/*/info "$dbg"/*/streams "$dbg"/*/counters \
		"$dbg"/domains/*/info "$dbg"/domains/*/counters \
		"$dbg"/domains/*/pgtable; do
		cat "$f" >/dev/null || return 1
	done
	sed 's/^/# /' $dbg/90dc000.iommu/streams
	d=$(dom_of 90dc000.iommu 1)
	sed 's/^/# /' "$dbg/domains/$d/info"
	head -n 5 "$dbg/domains/$d/pgtable" | sed 's/^/# /'
	pages=$(sed -n 's/^# .* tables, \([0-9]*\) pages mapped$/\1/p' "$dbg/domains/$d/pgtable")
	# virtio's rings stay mapped while the device is bound.
	[ "${pages:-0}" -gt 0 ]
}

# Faults the KUnit tests provoked: counted per DART, most of them handed
# to the unmanaged domains' handlers.
fault_counters() {
	local f r
	f=$(sum_cnt faults)
	r=$(sum_cnt faults_reported)
	echo "# faults $f, reported to a domain $r"
	[ "$r" -gt 0 ] && [ "$f" -ge "$r" ]
}

# --- suspend / resume -----------------------------------------------------
suspend_resume() {
	local before after
	before=$(sum_cnt resets)
	echo devices >/sys/power/pm_test || return 1
	echo mem >/sys/power/state || return 1
	echo none >/sys/power/pm_test
	after=$(sum_cnt resets)
	echo "# DART resets $before -> $after"
	# Nine DARTs, reset on suspend and again on resume.
	[ $((after - before)) -ge 18 ]
}

# --- unbind, unload, reload -----------------------------------------------
rmmod_busy() {
	! rmmod apple-dart 2>/dev/null && grep -q '^apple_dart ' /proc/modules
}

unbind_all() {
	local d
	for d in /sys/bus/platform/drivers/apple-dart/*.iommu; do
		echo "$(basename "$d")" >/sys/bus/platform/drivers/apple-dart/unbind || return 1
	done
	[ ! -b /dev/vda ] && [ -z "$(ls /sys/class/iommu)" ]
}

reload() {
	local p
	rmmod apple-dart && rmmod io-pgtable-dart &&
		insmod "$DART_MOD/io-pgtable-dart.ko" &&
		insmod "$DART_MOD/apple_dart.ko" || return 1
	for p in /sys/bus/pci/devices/*; do
		echo "$(basename "$p")" >/sys/bus/pci/drivers_probe 2>/dev/null
	done
	sleep 1
	[ "$(ls /sys/class/iommu | wc -l)" = 11 ] && pcie_io
}

# --- streams shared by PCI functions, device links --------------------------
# The two virtio-blk functions (driver-life.qemu) both reach dart-pcie on
# stream 1 (iommu-map-mask 0), so they share it.  Removing the function
# named for the stream's faults must name the other one: the fault
# handler reports a fault only with a device, else counts it unclaimed.
pcie_stream() { awk '$1 == 1' "$dbg/90dc000.iommu/streams"; }

shared_stream_master() {
	local line master rest
	line=$(pcie_stream)
	echo "# before: $line"
	master=$(echo "$line" | awk '{ print $9 }')
	[ "$(echo "$line" | awk '{ print $6 }')" = 2 ] &&
		[ -e "/sys/bus/pci/devices/$master" ] || return 1
	echo 1 >"/sys/bus/pci/devices/$master/remove" || return 1
	line=$(pcie_stream)
	echo "# after removing $master: $line"
	rest=$(echo "$line" | awk '{ print $9 }')
	[ "$(echo "$line" | awk '{ print $6 }')" = 1 ] &&
		[ "$rest" != "$master" ] && [ -e "/sys/bus/pci/devices/$rest" ]
}

pcie_rescan() {
	echo 1 >/sys/bus/pci/rescan || return 1
	sleep 1
	echo "# $(pcie_stream)"
	[ "$(pcie_stream | awk '{ print $6 }')" = 2 ] && pcie_io
}

# Device links to DARTs ("supplier--consumer"), and whether every device
# probed on a DART is linked to it.
dart_links() { ls /sys/class/devlink | grep -c -- '\.iommu--'; }

darts_linked() {
	local i d dart bus ok=0
	for i in /sys/class/iommu/apple-dart.*; do
		dart=${i##*/apple-dart.}
		for d in "$i"/devices/*; do
			[ -e "$d" ] || continue
			bus=$(basename "$(readlink -f "$d/subsystem")")
			[ -e "/sys/class/devlink/platform:$dart--$bus:${d##*/}" ] && continue
			echo "# no link $dart -> ${d##*/}"
			ok=1
		done
	done
	return $ok
}

# Unbinding a DART drops its links (AUTOREMOVE_SUPPLIER); probing the
# devices again when their drivers bind after it comes back makes them
# again, and so does removing and rescanning a PCI function: cycles leave
# the links as they were, one per device and DART.
devlinks_cycle() {
	local before after n p
	darts_linked || return 1
	before=$(dart_links)
	for n in 1 2 3; do
		echo 90dc000.iommu >/sys/bus/platform/drivers/apple-dart/unbind &&
			echo 90dc000.iommu >/sys/bus/platform/drivers/apple-dart/bind ||
			return 1
		for p in /sys/bus/pci/devices/*; do
			echo "${p##*/}" >/sys/bus/pci/drivers_probe 2>/dev/null
		done
		echo 1 >/sys/bus/pci/devices/0000:00:01.0/remove &&
			echo 1 >/sys/bus/pci/rescan || return 1
	done
	sleep 1
	after=$(dart_links)
	echo "# links to DARTs: $before before, $after after three cycles"
	ls /sys/class/devlink | grep -- '\.iommu--' | sed 's/^/#   /'
	[ "$after" = "$before" ] && darts_linked && pcie_io || return 1
	# The engines of dart-t8103 have no driver now: nothing probes them
	# again after the DART is back, and their links must be gone.
	echo 90c0000.iommu >/sys/bus/platform/drivers/apple-dart/unbind &&
		echo 90c0000.iommu >/sys/bus/platform/drivers/apple-dart/bind ||
		return 1
	! ls /sys/class/devlink | grep -q '^platform:90c0000\.iommu--'
}

# --- a master's second DART unbound and bound again ------------------------
# dma-dcpext and dma-isp sit behind dart-dcpext, their IOMMU, and
# dart-dispext0.  The core releases only the devices of the DART it
# unregisters, so before the fix both kept a port on the struct adart of
# the dart-dispext0 that left, and the new one never had their streams
# programmed: the KUnit suite after the rebind read nothing through port 1.
eng_dcpext=/sys/bus/platform/devices/90f7000.dma-test
eng_isp=/sys/bus/platform/devices/90f8000.dma-test

secondary_unbind() {
	[ -e $eng_dcpext/iommu_group ] && [ -e $eng_isp/iommu_group ] &&
		echo 90d8000.iommu >/sys/bus/platform/drivers/apple-dart/unbind ||
		return 1
	dmesg | grep -F -e 90f7000.dma-test -e 90f8000.dma-test | tail -n 4 |
		sed 's/^/# /'
	# Released: in no group, no fwspec left to name the old DART.
	[ ! -e $eng_dcpext/iommu_group ] && [ ! -e $eng_isp/iommu_group ]
}

secondary_rebind() {
	echo 90d8000.iommu >/sys/bus/platform/drivers/apple-dart/bind &&
		[ -e /sys/class/iommu/apple-dart.90d8000.iommu ]
}

# Probed again when the suite bound them: in groups, on the new DART,
# and linked to it.
secondary_reprobed() {
	local e
	for e in $eng_dcpext $eng_isp; do
		[ -e $e/iommu_group ] &&
			[ -e "/sys/class/devlink/platform:90d8000.iommu--platform:${e##*/}" ] ||
			return 1
	done
	grep -E '^[01] ' $dbg/90d8000.iommu/streams | sed 's/^/# /'
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_kunit dart_engine_dma_kunit.ko
ktest_check life set-lazy set_type_lazy
ktest_check life refuse-identity-without-bypass refuse_identity_no_bypass
# Not dart_engine_dma: its fault test touches an IOVA right after the
# unmap, which lazy mode by design leaves reachable until the next flush.
ktest_kunit apple_dart_engines_kunit.ko
ktest_check life lazy-flushes-batched lazy_flushes_batched
ktest_check life set-identity set_type_identity
ktest_kunit apple_dart_engines_kunit.ko
ktest_check life identity-bypass identity_bypass
ktest_check life fault-counters fault_counters
ktest_check life msi-reserved msi_reserved
ktest_check life pcie-io pcie_io
ktest_check life debugfs debugfs_dump
ktest_check life suspend-resume suspend_resume
ktest_check life pcie-io-after-resume pcie_io
ktest_kunit apple_dart_engines_kunit.ko
ktest_check life rmmod-busy rmmod_busy
ktest_check life unbind-all unbind_all
ktest_check life unload-reload reload
ktest_kunit apple_dart_engines_kunit.ko
ktest_check life shared-stream-master shared_stream_master
ktest_check life pcie-rescan pcie_rescan
ktest_check life devlinks-cycle devlinks_cycle
ktest_check life secondary-unbind secondary_unbind
ktest_check life secondary-rebind secondary_rebind
# DMA through both ports of dma-dcpext and dma-isp, on the new DART.
ktest_kunit apple_dart_engines_kunit.ko
ktest_check life secondary-reprobed secondary_reprobed
