#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate the emulated machines' device trees with Debian's dt-schema.

usage: check-dt.py PROCESSED_SCHEMA DTB[:EXPECTED]...

Runs dt-validate once on every DTB against PROCESSED_SCHEMA (the 6.12
tree's bindings with the series' apple,dart.yaml; loading it is most of the
time, hence one run) and judges, per DTB, the findings on the nodes the
project's machine glue adds: the DARTs, every node with "iommus", the
display device and /reserved-memory.  Findings on the rest of QEMU's virt
board (its pl011, pl061, GIC, PCIe host ... nodes, named the way QEMU has
always named them) are printed but are not ours to fix.

The glue gives each DART a "label" property, the name tests and logs use;
the binding, like every Apple DART binding, has no such property, so it is
removed before validating (Apple's device trees carry none either).

Without EXPECTED, any finding on a DTB's nodes of ours fails.  EXPECTED
lists the defects a machine is built to have, one "LABEL<TAB>TEXT" per
line: each must be reported, on the node with that label, with TEXT in the
message, and any other finding on our nodes still fails.
"""

import os
import re
import subprocess
import sys
import tempfile

import libfdt

QUIET = [libfdt.FDT_ERR_NOTFOUND]


def nodes(fdt, off=0, path=''):
    """(path, offset) of every node below OFF."""
    sub = fdt.first_subnode(off, QUIET)
    while sub >= 0:
        p = path + '/' + fdt.get_name(sub)
        yield p, sub
        yield from nodes(fdt, sub, p)
        sub = fdt.next_subnode(sub, QUIET)


def prop_str(fdt, off, name):
    """The first string of property NAME, or ''."""
    p = fdt.getprop(off, name, QUIET)
    return '' if isinstance(p, int) else bytes(p).split(b'\0')[0].decode()


def ours(fdt):
    """{path: label} of the nodes the machine glue adds."""
    found = {}
    for path, off in nodes(fdt):
        compat = prop_str(fdt, off, 'compatible')
        has_iommus = not isinstance(fdt.getprop(off, 'iommus', QUIET), int)
        if (compat.startswith(('apple,', 'qemu,apple-dart')) or has_iommus
                or path.startswith('/reserved-memory/')):
            found[path] = prop_str(fdt, off, 'label')
    return found


def findings(dtbs, schema):
    """{dtb: [[node name, message]]}: what dt-validate reports for DTBS."""
    out = subprocess.run(['dt-validate', '-s', schema] + dtbs, capture_output=True, text=True)
    text = out.stdout + out.stderr
    sys.stdout.write(text)
    found = {d: [] for d in dtbs}
    cur = None
    for line in text.splitlines():
        m = re.match(r'(.+?\.dtb): ([^:]+): (.*)$', line)
        if m and m.group(1) in found:
            cur = [m.group(2), m.group(3)]
            found[m.group(1)].append(cur)
        elif cur and line.startswith('\t') and not line.startswith('\tFrom schema'):
            cur[1] += ' ' + line.strip()
    if out.returncode and not any(found.values()):
        print('dt-validate failed (rc %d) without a finding' % out.returncode)
        found[dtbs[0]].append(['?', 'dt-validate failed'])
    return found


def strip_labels(dtb, outdir):
    """A copy of DTB without our nodes' labels, and {node name: label}."""
    fdt = libfdt.Fdt(open(dtb, 'rb').read())
    mine = ours(fdt)
    for path, label in mine.items():
        if label:
            fdt.delprop(fdt.path_offset(path), 'label')
    fdt.pack()
    copy = os.path.join(outdir, os.path.basename(dtb))
    with open(copy, 'wb') as f:
        f.write(fdt.as_bytearray())
    return copy, {os.path.basename(p): lbl for p, lbl in mine.items()}


def judge(name, found, names, expected):
    """Print the verdict on one DTB's findings; return its problem count."""
    bad = 0
    seen = set()
    for node, msg in found:
        if node not in names:
            print('not ours (QEMU virt board): %s: %s' % (node, msg))
            continue
        hit = [i for i, (lbl, text) in enumerate(expected)
               if lbl == names[node] and text in msg]
        if hit:
            seen.update(hit)
            print('EXPECTED %s (%s): %s' % (node, names[node], msg))
        else:
            bad += 1
            print('FINDING %s (%s): %s' % (node, names[node] or '-', msg))
    for i, (lbl, text) in enumerate(expected):
        if i not in seen:
            bad += 1
            print('MISSED: no finding "%s" on %s' % (text, lbl))
    print('%s: %d of our nodes checked, %d findings on them, %d expected defects '
          'reported, %d problems' % (name, len(names),
                                     sum(1 for n, _ in found if n in names),
                                     len(seen), bad))
    return bad


def main():
    schema = sys.argv[1]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for arg in sys.argv[2:]:
            dtb, _, exp = arg.partition(':')
            expected = []
            if exp:
                with open(exp) as f:
                    expected = [line.rstrip('\n').split('\t', 1) for line in f
                                if line.strip() and not line.startswith('#')]
            copy, names = strip_labels(dtb, tmp)
            runs.append((copy, names, expected))
        found = findings([r[0] for r in runs], schema)
        for copy, names, expected in runs:
            bad += judge(os.path.basename(copy), found[copy], names, expected)
    sys.stdout.flush()
    # pylibfdt can crash while the interpreter tears down its objects.
    os._exit(1 if bad else 0)


if __name__ == '__main__':
    main()
