# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the scenarios on the display machine (sourced, not a scenario
# itself): the reserved regions as the DT gives them, the page-table dumps
# of our domains, and the display block's registers read through /dev/mem
# (Documentation/dart/emulator.rst, the display machine).

dbg=/sys/kernel/debug/iommu/apple-dart
rm=/proc/device-tree/reserved-memory
# Where the display block sits: the header's constants (/dart/regs.sh).
. /dart/regs.sh
dcp_dart=$(printf %x.iommu $ADD_DART_DCP_BASE)
disp_dart=$(printf %x.iommu $ADD_DART_DISP0_BASE)
dcp_dev=$(printf %x.dma-test $ADD_DCP_ENGINE_BASE)
piodma_dev=$(printf %x.dma-test $ADD_PIODMA_ENGINE_BASE)
dcp=/sys/bus/platform/devices/$dcp_dev
piodma=/sys/bus/platform/devices/$piodma_dev
engine_drv=/sys/bus/platform/drivers/dart-test-engine

# A DT property as one hex string (cells are big endian).
dt_hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }
# Cell $2 and $2+1 of hex string $1 as one 64-bit number.
cells64() { echo $((0x$(echo "$1" | cut -c$(($2 * 8 + 1))-$(($2 * 8 + 16))))); }

# "IOVA SIZE PA" per iommu-addresses entry for master $1 (a sysfs device;
# PA -1 for a region without reg); the root has two address and two size
# cells.
master_regions() {
	local ph n h i reg
	ph=$((0x$(dt_hex $1/of_node/phandle)))
	for n in $rm/*; do
		[ -e $n/iommu-addresses ] || continue
		h=$(dt_hex $n/iommu-addresses)
		reg=-1
		[ -e $n/reg ] && reg=$(cells64 "$(dt_hex $n/reg)" 0)
		i=0
		while [ $((i * 8)) -lt ${#h} ]; do
			if [ $((0x$(echo "$h" | cut -c$((i * 8 + 1))-$((i * 8 + 8))))) = "$ph" ]; then
				echo "$(cells64 "$h" $((i + 1))) $(cells64 "$h" $((i + 3))) $reg"
			fi
			i=$((i + 5))
		done
	done
}
dcp_regions() { master_regions $dcp; }

# The debugfs line of stream $2 of DART $1, and the domain it is in.
stream_line() { awk -v s="$2" '$1 == s' "$dbg/$1/streams"; }
stream_dom() { stream_line "$1" "$2" | awk '{ print $5 }'; }
stream0() { stream_line $dcp_dart 0; }
dom_of() { stream_dom $dcp_dart 0; }

# Does a run of pgtable dump $1 ("IOVA-LAST -> PA attrs A", "#" lines
# are totals) map IOVA $2..$3 to PA $4 onwards?
run_covers() {
	local run arrow rpa rest a b
	while read -r run arrow rpa rest; do
		case $run in 0x*) ;; *) continue ;; esac
		a=$((${run%-*}))
		b=$((${run#*-}))
		[ $a -le $2 ] && [ $3 -le $b ] && [ $((rpa + $2 - a)) = $4 ] &&
			return 0
	done < "$1"
	return 1
}

# Does a run of pgtable dump $1 touch IOVA $2..$3?
run_touches() {
	local run rest a b
	while read -r run rest; do
		case $run in 0x*) ;; *) continue ;; esac
		a=$((${run%-*}))
		b=$((${run#*-}))
		[ $a -le $3 ] && [ $2 -le $b ] && return 0
	done < "$1"
	return 1
}

# Each region of master $2 (default the dcp engine) with a PA is mapped in
# domain $1 at its IOVA to its PA; one without (an IOVA range kept from
# the DMA API) is not mapped at all.  Catches translations missing, at
# the PA instead of the IOVA, or to the wrong PA, and an IOVA-only region
# mapped to whatever its missing PA reads as.
translated_in() {
	local iova size pa
	while read -r iova size pa; do
		if [ "$pa" = -1 ]; then
			! run_touches $dbg/domains/$1/pgtable $iova $((iova + size - 1)) || {
				echo "# IOVA-only $iova +$size mapped in domain $1"
				return 1
			}
			continue
		fi
		run_covers $dbg/domains/$1/pgtable $iova $((iova + size - 1)) $pa || {
			echo "# IOVA $iova +$size -> $pa not in domain $1"
			return 1
		}
	done <<-EOT
	$(master_regions ${2:-$dcp})
	EOT
}

# The dcp master's current domain maps each of its regions (dump shown).
translations() {
	local d=$(dom_of)
	echo "# domain $d"
	sed 's/^/# /' $dbg/domains/$d/pgtable
	translated_in "$d"
}

# A DART's debugfs counter.
dart_counter() { awk -v k="$2" '$1 == k { print $2 }' "$dbg/$1/counters"; }

# The display block's registers, by their names in apple-dart-display-regs.h
# (the initramfs carries them as /dart/regs.sh), read as decimal numbers.
disp_reg() {
	echo $(($(devmem $((ADD_DISPLAY_BASE + $1)) 32)))
}

# No store reached the firmware L1s (the display block counts each one):
# a refused master or DART left the boot loader's tables alone.
l1_untouched() {
	local n=$(disp_reg $ADD_L1_STORES)
	echo "# L1 stores $n"
	[ "$n" = 0 ]
}

# >= 100 frames scanned since reset, none refused by the DART.
scanout_frames() {
	local frames faulted
	frames=$(disp_reg $ADD_FRAMES)
	faulted=$(disp_reg $ADD_FRAME_FAULTS)
	echo "# frames $frames, faulted frames $faulted"
	[ "$frames" -ge 100 ] && [ "$faulted" = 0 ]
}

# The last frame is the splash, and the histogram since reset holds the
# splash's CRC alone.
scanout_splash() {
	local splash last hist hcrc hn
	splash=$(disp_reg $ADD_SPLASH_CRC)
	last=$(disp_reg $ADD_LAST_CRC)
	hist=$(disp_reg $ADD_HIST_COUNT)
	devmem $((ADD_DISPLAY_BASE + ADD_HIST_SEL)) 32 0
	hcrc=$(disp_reg $ADD_HIST_CRC)
	hn=$(disp_reg $ADD_HIST_N)
	printf '# last CRC 0x%08x, splash CRC 0x%08x\n' "$last" "$splash"
	printf '# histogram: %d distinct CRCs, first 0x%08x x %d\n' \
		"$hist" "$hcrc" "$hn"
	[ "$last" = "$splash" ] && [ "$hist" = 1 ] && [ "$hcrc" = "$splash" ] &&
		[ "$hn" -ge 100 ]
}

# The coprocessor heartbeat ran and never faulted or read wrong firmware
# contents.
heartbeat() {
	local ticks faults bad
	ticks=$(disp_reg $ADD_HB_TICKS)
	faults=$(disp_reg $ADD_HB_FAULTS)
	bad=$(disp_reg $ADD_HB_BAD)
	echo "# heartbeat ticks $ticks, faults $faults, bad reads $bad"
	[ "$ticks" -gt 0 ] && [ "$faults" = 0 ] && [ "$bad" = 0 ]
}

# A new default domain for the dcp master (sysfs type, driver unbound:
# DMA-FQ converts the domain in place, DMA then replaces it) gets the
# boot mappings before its stream switches to it, while the heartbeat
# runs; on a locked DART the model checks each L1 store of the switch.
# Catches translations installed only into the first domain, or an L1
# rewritten from a domain not yet filled.
switch_domain() {
	local old=$(dom_of) new
	echo $dcp_dev > $engine_drv/unbind &&
		echo DMA-FQ > $dcp/iommu_group/type &&
		echo DMA > $dcp/iommu_group/type &&
		echo $dcp_dev > $engine_drv/bind || return 1
	new=$(dom_of)
	echo "# domain $old -> $new"
	[ "$new" != "$old" ] && translated_in "$new"
}

# Identity is refused for the dcp master: bypass would send the
# firmware's IOVAs to PA = IOVA, and a locked stream cannot bypass at all
# (def_domain_type says DMA, so the core refuses the sysfs switch).
identity_refused() {
	local rc=0
	echo $dcp_dev > $engine_drv/unbind || return 1
	echo identity > $dcp/iommu_group/type 2>/dev/null && rc=1
	echo $dcp_dev > $engine_drv/bind || rc=1
	[ $rc = 0 ] && grep -q '^DMA' $dcp/iommu_group/type
}
