# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the scenarios that bind a DART through one match entry alone
# (driver-t6020, driver-t8122; sourced): the premise, the binding, and the
# DMA that went through it.

dart_dbg=/sys/kernel/debug/iommu/apple-dart
plat=/sys/bus/platform/devices

# compat_only DART COMPAT: the DT offers DART (its device name) no other
# compatible than COMPAT, so nothing else could have bound it.
compat_only() {
	local c
	c=$(tr '\0' ' ' </proc/device-tree/iommu@${1%.iommu}/compatible)
	echo "# compatible: $c"
	[ "$c" = "$2 " ]
}

# bound_as DART GEN LINE: bound by our driver through the descriptor named
# GEN (debugfs "generation"), its probe line starting with LINE.
bound_as() {
	dmesg | grep "$1" | sed 's/^/# /'
	[ "$(basename "$(readlink $plat/$1/driver)")" = apple-dart ] &&
		dmesg | grep -q "apple-dart $1: $3" &&
		grep -q "^generation $2\$" $dart_dbg/$1/info
}

# dma_through LABEL ENGINE: apple_dart_engines' DMA-API case went through
# every engine behind an IOMMU (the suite's results say whether the data
# came back right); here, that the engine LABEL (device ENGINE) was one
# of them.
dma_through() {
	dmesg | grep -q "$1: domain type" && [ -e $plat/$2/iommu_group ]
}
