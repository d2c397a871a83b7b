# SPDX-License-Identifier: GPL-2.0
# The test client's kselftests against the 6.12 tree's own apple-dart.c
# (oracle-apple-dart.ko) on the t8103 machine: the comparison for the
# project's driver (client-ours).  Tests needing what 6.12 lacks (fault
# reports to the domain handler, lazy flush) or hardware t8103 lacks (two
# DARTs with engines, the 64-stream DART) skip with the reason.
. /dart/scenarios/client-common.sh

insmod "$DART_MOD/oracle-apple-dart.ko"
client_run_all
