# SPDX-License-Identifier: GPL-2.0
# A master refused for streams in two IOMMU groups, and one with two
# streams on one DART that must work (dt-bad-f.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh

dbg=/sys/kernel/debug/iommu/apple-dart

# Streams 203 and 200 of dart-t8110 translate through one domain for
# dma-t8110.  Catches a master that keeps only its first stream on a DART
# (its DMA on stream 200 then faults in the KUnit suite too).
two_streams_one_dart() {
	local a b
	grep -E '^(200|203) ' $dbg/90cc000.iommu/streams | sed 's/^/# /'
	a=$(awk '$1 == 200 && $2 == "translate" { print $5 }' $dbg/90cc000.iommu/streams)
	b=$(awk '$1 == 203 && $2 == "translate" { print $5 }' $dbg/90cc000.iommu/streams)
	[ -n "$a" ] && [ "$a" -ge 0 ] && [ "$a" = "$b" ]
}

dt_bad_load
ktest_check dt-bad streams-in-two-groups master_deferred 90f0000 \
	'streams in two IOMMU groups'
ktest_check dt-bad two-streams-one-dart two_streams_one_dart
ktest_check dt-bad darts-registered darts_registered 90c0000 90c4000 90c8000 \
	90cc000 90d0000 90d4000 90d8000 90dc000 90e0000 90e4000 90e8000
dt_bad_dma 90f1000 90f2000 90f3000 90f4000 90f5000 90f6000 90f7000 90f8000
