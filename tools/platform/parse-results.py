#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the console and QEMU logs of scenario boots into results lines.

usage: parse-results.py RESULTS_FILE LOGDIR SCENARIO...

For each scenario it reads LOGDIR/NAME.console.log and LOGDIR/NAME.qemu.log
(the guest's lines arrive there as "[ time] dart| LINE" kernel log records)
and writes one line per test to RESULTS_FILE:
    ok|not ok|skip  SCENARIO/SUITE/TEST[  # reason]
Besides the tests' own KTAP/TAP results, these count as failures:
  - a block the guest opened but never closed (it died inside a test);
  - a boot that never reached @@DART-DONE, or QEMU timing out or failing;
  - any kernel WARNING/BUG/Oops/panic/lockdep/KASAN/UBSAN/DEBUG_LIST/
    DEBUG_OBJECTS report, and an interrupt the core disabled as unhandled;
  - every object kmemleak lists in the scan at the end of a scenario (a
    "kmemleak" block, tools/testing/guest/lib.sh kmemleak_report), and a
    scan that did not run;
  - any DART-VIOLATION line in QEMU's guest-error log (model violations).
Then it prints a per-suite table and, last, "N passed, N failed, N skipped".
The exit code is 1 when anything failed.
"""

import os
import re
import sys

# A line the guest's scenario printed, as a kernel log record: the printk
# time, then the "dart| " tag (tools/testing/guest/lib.sh, kmsg_lines).
GUEST_RE = re.compile(r'^\[\s*[\d.]+\] dart\| ?(.*)$')
TAP_RE = re.compile(r'^(\s*)(ok|not ok) (\d+)\s*-?\s*(.*?)\s*$')
# Kernel reports that fail a run whatever the tests said.  Matched after
# the "[ time]" printk prefix.
SPLAT_RE = re.compile(
    r'^\[\s*[\d.]+\]\s+('
    r'WARNING: |BUG: |Oops|Internal error:|Unable to handle kernel|'
    r'Kernel panic|kernel BUG|general protection|'
    r'INFO: (possible|inconsistent|trying to register non-static)|'
    r'WARNING: (possible|inconsistent|suspicious)|'
    r'UBSAN:|KASAN:|DMA-API: .*(error|warning|leak|not )|'
    r'ODEBUG: (.*\(active state|[Oo]ut of memory|object .*annotated)|'
    r'list_(add|del) corruption|'
    r'irq \d+: nobody cared|Disabling IRQ #'
    r')')
# The end of a kmemleak block's scan; without it the scan failed.
KMEMLEAK_DONE = '@@kmemleak-scanned'
# Frames of a leak's allocation backtrace that name the allocator, not
# its caller.
ALLOC_FRAME_RE = re.compile(r'kmemleak|kmalloc|kmem_cache|alloc_|_alloc|'
                            r'kvmalloc|kzalloc|slab|__kmalloc')


def kmemleak_results(scen, body):
    """One failure per object kmemleak reported, or one pass."""
    out = []
    leak = None
    for line in body + ['']:
        if line.startswith('unreferenced object ') or line == '':
            if leak is not None:
                obj, frames = leak[0], leak[1] or []
                # The caller and its caller: a module that is gone by the
                # scan leaves a bare address, its caller still has a name.
                where = ' < '.join([f for f in frames
                                    if not ALLOC_FRAME_RE.search(f)][:2]) or '?'
                out.append(('%s/kmemleak/leak-%d' % (scen, len(out) + 1),
                            'not ok', ('%s from %s' % (obj, where))[:160]))
                leak = None
            if line:
                leak = (line.rstrip(':'), None)
        elif leak is not None and line.startswith('  backtrace'):
            leak = (leak[0], [])
        elif leak is not None and leak[1] is not None and \
                line.startswith('    '):
            leak[1].append(line.strip())
    if KMEMLEAK_DONE not in body:
        out.append(('%s/kmemleak/scan' % scen, 'not ok', 'kmemleak did not scan'))
    elif not out:
        out.append(('%s/kmemleak/no-leaks' % scen, 'ok', ''))
    return out


def tap_results(lines, kind):
    """Yield (name, status, reason) of the test-case level TAP lines."""
    found = []
    for line in lines:
        m = TAP_RE.match(line)
        if m:
            found.append((len(m.group(1).expandtabs(8)), m.group(2), m.group(4)))
    if not found:
        return []
    indents = sorted({f[0] for f in found})
    # KUnit's debugfs results: the suite line is outermost and its cases
    # one level in.  kselftest: the outermost lines are the cases.
    level = indents[1] if kind == 'kunit' and len(indents) > 1 else indents[0]
    out = []
    for indent, status, rest in found:
        if indent != level:
            continue
        name, _, directive = rest.partition('#')
        name = name.strip().replace(' ', '_') or 'unnamed'
        directive = directive.strip()
        if status == 'ok' and directive.upper().startswith('SKIP'):
            out.append((name, 'skip', directive))
        else:
            out.append((name, status, directive))
    return out


def parse_scenario(logdir, scen):
    results = []
    console = os.path.join(logdir, scen + '.console.log')
    qlog = os.path.join(logdir, scen + '.qemu.log')
    try:
        with open(console, errors='replace') as f:
            lines = [l.rstrip('\r\n') for l in f]
    except OSError:
        return [(scen + '/boot/console', 'not ok', 'no console log')]

    block = None
    done = False
    qemu_rc = None
    splats = 0
    for line in lines:
        # The guest's own lines come tagged, each one whole; kernel messages
        # in between are lines of their own.  Untagged guest lines (from
        # before the scenario ran, or make run's demo) are taken as they are.
        m = GUEST_RE.match(line)
        if m:
            line = m.group(1)
        if line.startswith('@@DART-BEGIN '):
            parts = line.split()
            block = (parts[1], parts[2], [])
            continue
        if line.startswith('@@DART-END '):
            parts = line.split()
            if block is None:
                continue
            kind, suite, body = block
            rc = int(parts[3].split('=')[1]) if len(parts) > 3 else 0
            if kind == 'kmemleak':
                results.extend(kmemleak_results(scen, body))
                block = None
                continue
            cases = tap_results(body, kind)
            for name, status, why in cases:
                results.append(('%s/%s/%s' % (scen, suite, name), status, why))
            if rc != 0 and not any(c[1] == 'not ok' for c in cases):
                results.append(('%s/%s/exit' % (scen, suite), 'not ok',
                                'exit code %d' % rc))
            if not cases and rc == 0:
                results.append(('%s/%s/results' % (scen, suite), 'not ok',
                                'no test results in block'))
            block = None
            continue
        if line.startswith('@@DART-DONE'):
            done = True
        if line.startswith('@@DART-QEMU-EXIT '):
            qemu_rc = int(line.split('=')[1])
        if block is not None:
            block[2].append(line)
        m = SPLAT_RE.match(line)
        if m:
            splats += 1
            results.append(('%s/kernel/report-%d' % (scen, splats), 'not ok',
                            line.split(']', 1)[1].strip()[:160]))

    if block is not None:
        results.append(('%s/%s/completed' % (scen, block[1]), 'not ok',
                        'guest died inside this block'))
    results.append(('%s/boot/reached-end' % scen, 'ok' if done else 'not ok',
                    '' if done else 'scenario did not finish'))
    if qemu_rc not in (0, None):
        results.append(('%s/boot/qemu-exit' % scen, 'not ok',
                        'qemu exit code %d%s' % (qemu_rc,
                        ' (timeout)' if qemu_rc == 124 else '')))

    try:
        with open(qlog, errors='replace') as f:
            n = 0
            for line in f:
                if 'DART-VIOLATION' in line:
                    n += 1
                    results.append(('%s/model/violation-%d' % (scen, n),
                                    'not ok', line.strip()[:160]))
    except OSError:
        pass
    return results


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    out, logdir, scens = sys.argv[1], sys.argv[2], sys.argv[3:]
    allres = []
    for s in scens:
        allres.extend(parse_scenario(logdir, s))

    with open(out, 'w') as f:
        for name, status, why in allres:
            f.write('%-6s  %s%s\n' % (status, name, ('  # ' + why) if why else ''))

    table = {}
    for name, status, _ in allres:
        suite = name.rsplit('/', 1)[0]
        row = table.setdefault(suite, [0, 0, 0])
        row[{'ok': 0, 'not ok': 1, 'skip': 2}[status]] += 1
    width = max([len(s) for s in table] + [5])
    print('%-*s  %6s  %6s  %7s' % (width, 'suite', 'passed', 'failed', 'skipped'))
    for suite in sorted(table):
        p, fl, sk = table[suite]
        print('%-*s  %6d  %6d  %7d' % (width, suite, p, fl, sk))
    for name, status, why in allres:
        if status == 'not ok':
            print('FAILED: %s%s' % (name, ('  # ' + why) if why else ''))
    npass = sum(r[0] for r in table.values())
    nfail = sum(r[1] for r in table.values())
    nskip = sum(r[2] for r in table.values())
    print('results: %s' % out)
    print('%d passed, %d failed, %d skipped' % (npass, nfail, nskip))
    return 1 if nfail else 0


if __name__ == '__main__':
    sys.exit(main())
