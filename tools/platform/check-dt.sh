#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dt.sh: the series' DT binding and the emulated machines' device
# trees, checked with Debian's dt-schema.  Debian 12 ships dt-schema
# 2022.08, older than the 2023.9 that 6.12's "make dt_binding_check"
# insists on, so its tools are called directly:
#   dt-doc-validate   apple,dart.yaml as the series leaves it, against the
#                     meta-schemas; its examples (dt-extract-example) go
#                     through dt-validate with the machines
#   dt-mk-schema      the 6.12 tree's bindings with the series' binding
#                     patch applied (cached, keyed by the patch)
#   dt-validate       the DTB of virt,apple-dart=full, t8103, display and
#                     bad, and of full with dart-t8110 named as a T8122
#                     (check-dt.py judges the findings; the bad machine
#                     must show each defect in check-dt-bad.expect)
# Needs the intree stage's series in $DART_OUT/patches and the qemu stage.
. "$(dirname "$0")/lib.sh"

T=$DART_TOP/tools/platform
series=$DART_OUT/patches
qemu=$(qemu_bin_dir)/qemu-system-aarch64
work=$DART_OUT/dt
binding=Documentation/devicetree/bindings/iommu/apple,dart.yaml

patch1=$(ls "$series"/0001-*.patch) ||
	{ echo "check-dt: no series in $series (the intree stage makes it)"; exit 1; }
grep -q "^+++ b/$binding\$" "$patch1" ||
	{ echo "check-dt: $patch1 does not change $binding"; exit 1; }

cache=$DART_CACHE/dt-schema/$(deb_version linux-source-6.12)-$(hash_of "$patch1" \
	"$T/check-dt.sh" | sed "s/^/$(deb_version dt-schema)-/")
(
	cache_lock "$cache"
	if ! cache_ready "$cache"; then
		rm -rf "$cache"
		mkdir -p "$cache/Documentation/devicetree"
		cp -r "$(linux_src_dir)/Documentation/devicetree/bindings" \
			"$cache/Documentation/devicetree/"
		patch -d "$cache" -p1 --quiet --no-backup-if-mismatch <"$patch1"
		# Some 6.12 schemas use what dt-schema 2022.08 does not know; it
		# skips them with a message ("ignoring, error in schema").
		dt-mk-schema -j "$cache/Documentation/devicetree/bindings" \
			>"$cache/processed.json.tmp"
		mv "$cache/processed.json.tmp" "$cache/processed.json"
		cache_commit "$cache"
	fi
)
schema=$cache/processed.json
bindings=$cache/Documentation/devicetree/bindings

rm -rf "$work"
mkdir -p "$work"
echo "== dt-doc-validate $binding"
rc=0
out=$(dt-doc-validate -u "$bindings" "$cache/$binding" 2>&1) || rc=$?
if [ -n "$out" ] || [ $rc -ne 0 ]; then
	echo "$out"
	echo "check-dt: the series' binding does not validate"
	exit 1
fi
# Its examples are validated with the machines (dt-validate takes
# seconds to load the schema, so it runs once).
dt-extract-example "$cache/$binding" >"$work/example.dts"
dtc -q -I dts -O dtb -o "$work/example.dtb" "$work/example.dts"

dtbs=("$work/example.dtb")
for m in full t8103 display bad; do
	"$qemu" -machine "virt,apple-dart=$m,dumpdtb=$work/$m.dtb" -cpu max -m 1G \
		-nographic -nic none >"$work/$m.qemu.log" 2>&1 ||
		{ cat "$work/$m.qemu.log"; echo "check-dt: dumpdtb of $m failed"; exit 1; }
	dtbs+=("$work/$m.dtb")
done
dtbs[4]+=":$T/check-dt-bad.expect"
# full again with dart-t8110 written as an M3 DART (the binding's
# "apple,t8122-dart", "apple,t8110-dart"; emulator.rst, dt-soc).
"$qemu" -machine "virt,apple-dart=full,dumpdtb=$work/full-t8122.dtb" -cpu max -m 1G \
	-global apple-dart.dt-soc=t8122 -nographic -nic none >"$work/full-t8122.qemu.log" 2>&1 ||
	{ cat "$work/full-t8122.qemu.log"; echo "check-dt: dumpdtb of full-t8122 failed"; exit 1; }
fdtget "$work/full-t8122.dtb" /iommu@90cc000 compatible | grep -qx 'apple,t8122-dart apple,t8110-dart' ||
	{ echo "check-dt: full-t8122 does not name dart-t8110 as a T8122"; exit 1; }
dtbs+=("$work/full-t8122.dtb")
echo "== dt-validate of the binding's examples and virt,apple-dart=full, t8103, display, bad, full with a T8122"
/usr/bin/python3 "$T/check-dt.py" "$schema" "${dtbs[@]}" ||
	{ echo "check-dt: findings above"; exit 1; }
echo "check-dt: binding, examples and the five machine DTBs validate"
