#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The make bench report: our driver against the 6.12 one, figure by figure.

usage: bench-report.py DIR OURS_CONSOLE_LOG ORACLE_CONSOLE_LOG

Reads the "@@BENCH key=value ..." lines and the page-table benchmark's KUnit
lines that the bench-ours and bench-oracle boots printed
(tools/testing/guest/scenarios/bench-common.sh) and writes, in DIR:
  bench.txt  the table (also printed), each figure with ours / 6.12;
  bench.csv  the same figures, one per line;
  bench.png  latency against buffer size, ours and 6.12, strict and lazy;
and, when DIR holds an earlier run's bench.csv, the largest difference
between the two runs (make bench must repeat within 5 %).  DIR/setup.txt
(the kernel and the model's latencies, from bench.sh) heads every output.
Fails only when a boot printed no figure at all; speed is never judged.
"""

import csv
import os
import re
import sys

BENCH_RE = re.compile(r'@@BENCH (.*)$')
# io-pgtable-dart-bench's kunit_info lines.
PGT_TIME_RE = re.compile(
    r'# bench_map_unmap: (.*?): \d+ MiB in \d+ pages of 16K, best of \d+: '
    r'map 1/call (\d+) us, unmap 1/call (\d+) us, map pgcount (\d+) us, '
    r'unmap pgcount (\d+) us')
PGT_OURS_MEM_RE = re.compile(
    r'# bench_map_unmap: io-pgtable-dart \(ours\): \d+ tables, (\d+) KiB '
    r'(with \d+ MiB mapped|after unmap-all in one call)')
PGT_BUILTIN_MEM_RE = re.compile(
    r'# bench_map_unmap: 6.12 built-in: table memory \(NR_IOMMU_PAGES\) '
    r'(-?\d+) KiB with \d+ MiB mapped, (-?\d+) KiB after unmap-all')
PGT_PHASES = ('map 1/call', 'unmap 1/call', 'map pgcount', 'unmap pgcount')
TARGET = 0.8            # the target ratio, shown, never enforced
DMB_SECTION = 'dma_map_benchmark us'
DMB_STEP = 0.1          # dma_map_benchmark's resolution, us
DDB_SECTION = 'dart-dma-bench, ns per call (DMA API: median round)'
DDB_ORDER = ('map ns', 'unmap ns', 'map+unmap ns', 'inv/10k unmaps',
             'iommu_map ns', 'iommu_unmap_fast ns', 'iotlb_sync ns',
             'core share of map ns', 'core share of unmap ns')
REPEAT = 0.05           # make bench must repeat within 5 %


def read_log(path):
    """The bench lines of one boot: (@@BENCH dicts, page-table figures)."""
    recs, pgt = [], {}
    with open(path, errors='replace') as f:
        for line in f:
            m = BENCH_RE.search(line)
            if m:
                recs.append(dict(kv.split('=', 1) for kv in m.group(1).split()
                                 if '=' in kv))
                continue
            m = PGT_TIME_RE.search(line)
            if m:
                side = 'ours' if 'ours' in m.group(1) else '6.12'
                for phase, us in zip(PGT_PHASES, m.groups()[1:]):
                    pgt[(side, phase)] = float(us)
                continue
            m = PGT_OURS_MEM_RE.search(line)
            if m:
                when = 'mapped' if m.group(2).startswith('with') else 'unmapped'
                pgt[('ours', 'table KiB ' + when)] = float(m.group(1))
                continue
            m = PGT_BUILTIN_MEM_RE.search(line)
            if m:
                pgt[('6.12', 'table KiB mapped')] = float(m.group(1))
                pgt[('6.12', 'table KiB unmapped')] = float(m.group(2))
    return recs, pgt


def dmb_figures(recs):
    """dma_map_benchmark: {(mode, threads, kib, op): us}.

    With several vCPUs under -icount the vCPUs take turns, and an
    operation that waits (for a lock, for BUSY) is charged the other
    vCPUs' work meanwhile: which of map and unmap waits differs between
    the drivers, so their sum is given too."""
    out = {}
    for r in recs:
        if r.get('kind') != 'dmb':
            continue
        key = (r['mode'], int(r['threads']), int(r['kib']))
        for op in ('map', 'unmap'):
            v = r.get(op + '_us', '')
            if v:
                out[key + (op,)] = float(v)
        if key + ('map',) in out and key + ('unmap',) in out:
            out[key + ('map+unmap',)] = out[key + ('map',)] + \
                out[key + ('unmap',)]
    return out


def median(values):
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def ddb_per_call(r, op, calls):
    """ns per call of OP in one dart-dma-bench record: the median of its
    rounds (one round disturbed by a timer or the console cannot move it),
    or the run's mean when it gave no rounds."""
    rounds = [int(x) for x in r.get(f'round_{op}_ns', '').split(',') if x]
    if not rounds:
        return int(r[f'{op}_ns']) / calls
    return median(rounds) / (calls / len(rounds))


def ddb_figures(recs):
    """dart-dma-bench: {(mode, threads, kib, what): value} in ns per call
    and TLB commands per 10 000 unmaps."""
    out = {}
    for r in recs:
        if r.get('kind') != 'ddb' or not int(r.get('loops', 0)):
            continue
        n, t = int(r['loops']), int(r.get('threads', 1))
        key = (r['mode'], t, int(r['kib']))
        out[key + ('map ns',)] = ddb_per_call(r, 'map', n * t)
        out[key + ('unmap ns',)] = ddb_per_call(r, 'unmap', n * t)
        out[key + ('map+unmap ns',)] = out[key + ('map ns',)] + \
            out[key + ('unmap ns',)]
        out[key + ('inv/10k unmaps',)] = int(r['inv']) * 10000 / (n * t)
        # Strict one-thread runs also time the IOMMU API directly: the
        # driver's share (map; unmap without and with its flush).
        if int(r.get('imap_ns', 0)):
            out[key + ('iommu_map ns',)] = int(r['imap_ns']) / n
            out[key + ('iommu_unmap_fast ns',)] = int(r['iunmap_ns']) / n
            out[key + ('iotlb_sync ns',)] = int(r['isync_ns']) / n
    # What the DMA API adds to the driver's share is the core's.  A lazy
    # unmap costs the driver the unmap alone (its flush waits in the
    # queue), measured in the strict run of the same size.
    for (mode, t, kib, what), v in list(out.items()):
        drv = out.get(('strict', 1, kib, 'iommu_map ns'))
        if drv is None or t != 1:
            continue
        if what == 'map ns':
            out[(mode, t, kib, 'core share of map ns')] = v - drv
        elif what == 'unmap ns':
            drv = out[('strict', 1, kib, 'iommu_unmap_fast ns')]
            if mode == 'strict':
                drv += out[('strict', 1, kib, 'iotlb_sync ns')]
            out[(mode, t, kib, 'core share of unmap ns')] = v - drv
    return out


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, digits=2):
    return '-' if v is None else f'{v:.{digits}f}'


def build_rows(ours, oracle):
    """Every figure as (section, mode, threads, kib, what, ours, 6.12, note).

    Where the 6.12 driver offers no lazy mode (it has no deferred flush),
    ours' lazy figures are set against 6.12's strict ones, and say so."""
    rows = []
    o_dmb, r_dmb = dmb_figures(ours[0]), dmb_figures(oracle[0])
    o_ddb, r_ddb = ddb_figures(ours[0]), ddb_figures(oracle[0])
    for key in sorted(o_dmb.keys() | r_dmb.keys(),
                      key=lambda k: (k[0] != 'strict',
                                     ('map', 'unmap', 'map+unmap').index(k[3]),
                                     k[1], k[2])):
        ref, note = r_dmb.get(key), ''
        if ref is None and key[0] == 'lazy':
            ref, note = r_dmb.get(('strict',) + key[1:]), 'vs 6.12 strict'
        rows.append((DMB_SECTION, key[0], key[1], key[2], key[3],
                     o_dmb.get(key), ref, note))
    for key in sorted(o_ddb.keys() | r_ddb.keys(),
                      key=lambda k: (k[0] != 'strict', DDB_ORDER.index(k[3]),
                                     k[1], k[2])):
        ref, note = r_ddb.get(key), ''
        if ref is None and key[0] == 'lazy':
            ref, note = r_ddb.get(('strict',) + key[1:]), 'vs 6.12 strict'
        rows.append((DDB_SECTION,) + key + (o_ddb.get(key), ref, note))
    o_pgt = ours[1]
    for phase in PGT_PHASES + ('table KiB mapped', 'table KiB unmapped'):
        a, b = o_pgt.get(('ours', phase)), o_pgt.get(('6.12', phase))
        if a is not None or b is not None:
            rows.append(('page-table backend, 16K pages', '', '', '', phase, a, b,
                         'us' if 'KiB' not in phase else ''))
    skips = [f"{r['drv']} {r['mode']}: group type stays {r.get('group')}"
             for r in ours[0] + oracle[0] if r.get('kind') == 'skip']
    return rows, skips


def write_table(path, setup, rows, skips):
    lines = ['make bench: ours against the 6.12 driver (ratio below 1: ours '
             f'is faster; the issue\'s target is {TARGET})', '']
    lines += ['set-up (model latencies in ns, charged under -icount):']
    lines += ['  ' + s for s in setup] + ['']
    head = f"{'figure':<54} {'ours':>10} {'6.12':>10} {'ours/6.12':>9}  note"
    section = None
    for sec, mode, thr, kib, what, a, b, note in rows:
        if sec != section:
            lines += ['', sec, head, '-' * len(head)]
            section = sec
        name = ' '.join(str(x) for x in (mode, f'{thr} thr' if thr else '',
                                         f'{kib}K' if kib else '', what) if x)
        r = ratio(a, b)
        flag = ' *' if r is not None and r > TARGET and 'KiB' not in what else ''
        lines.append(f'{name:<54} {fmt(a):>10} {fmt(b):>10} {fmt(r, 3):>9}{flag}'
                     f'  {note}'.rstrip())
    lines += ['', '* above the target ratio.']
    lines += [f'skipped: {s}' for s in skips]
    text = '\n'.join(lines) + '\n'
    with open(path, 'w') as f:
        f.write(text)
    return text


def write_csv(path, setup, rows):
    with open(path, 'w', newline='') as f:
        for s in setup:
            f.write(f'# {s}\n')
        w = csv.writer(f)
        w.writerow(['section', 'mode', 'threads', 'kib', 'figure', 'ours',
                    '6.12', 'ratio', 'note'])
        for sec, mode, thr, kib, what, a, b, note in rows:
            w.writerow([sec, mode, thr, kib, what, fmt(a, 4), fmt(b, 4),
                        fmt(ratio(a, b), 4), note])


def read_csv(path):
    with open(path) as f:
        rows = csv.reader(line for line in f if not line.startswith('#'))
        next(rows, None)
        return {tuple(r[:5]): (r[5], r[6]) for r in rows}


def derived(key):
    """Figures computed from others (a sum, a difference): their run-to-run
    difference is that of the figures they come from."""
    return 'map+unmap' in key[4] or 'core share' in key[4]


def compare(prev, cur):
    """How two runs' figures differ: the largest relative difference among
    the measured figures (derived ones follow from them); for
    dma_map_benchmark, which prints 0.1 us steps, the largest difference in
    steps too, and the figures more than 5 % and more than one step apart.
    Returns (worst, worst key, worst dmb steps, figures out of bounds,
    figures only one run has)."""
    worst, worst_key, steps, out = 0.0, None, 0, []
    for key, vals in cur.items():
        if derived(key):
            continue
        for old, new in zip(prev.get(key, ('-', '-')), vals):
            if '-' in (old, new):
                continue
            diff = abs(float(new) - float(old))
            if key[0] == DMB_SECTION:
                n = round(diff / DMB_STEP)
                steps = max(steps, n)
                if n > 1 and (not float(old) or diff / float(old) > REPEAT):
                    out.append((diff / float(old) if float(old) else 1.0,
                                key))
                continue
            if not float(old):
                continue
            d = diff / abs(float(old))
            if d > REPEAT:
                out.append((d, key))
            if d > worst:
                worst, worst_key = d, key
    alone = len(prev.keys() ^ cur.keys())
    return worst, worst_key, steps, out, alone


def plot(path, setup, ours, oracle):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('bench-report: no python3-matplotlib, no plot')
        return False
    o, r = dmb_figures(ours[0]), dmb_figures(oracle[0])
    threads = sorted({k[1] for k in o.keys() | r.keys()})
    if not threads:
        return False
    fig, axes = plt.subplots(2, len(threads), squeeze=False,
                             figsize=(4.5 * len(threads), 7))
    for col, t in enumerate(threads):
        for row, op in enumerate(('map', 'unmap')):
            ax = axes[row][col]
            for drv, figs, colour in (('ours', o, 'tab:blue'),
                                      ('6.12', r, 'tab:red')):
                for mode, style in (('strict', '-'), ('lazy', '--')):
                    pts = sorted((k[2], v) for k, v in figs.items()
                                 if k[0] == mode and k[1] == t and k[3] == op)
                    if pts:
                        ax.plot([p[0] for p in pts], [p[1] for p in pts],
                                style, marker='o', color=colour,
                                label=f'{drv} {mode}')
            ax.set_xscale('log', base=2)
            kibs = sorted({k[2] for k in o.keys() | r.keys()})
            ax.set_xticks(kibs)
            ax.set_xticklabels([str(k) for k in kibs])
            ax.set_xlabel('buffer KiB')
            ax.set_ylabel(f'{op} latency, us (guest)')
            ax.set_title(f'dma_map_benchmark {op}, {t} thread(s)')
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize='small')
    fig.suptitle('make bench: ' + '; '.join(setup[2:]), fontsize='small')
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, ours_log, oracle_log = sys.argv[1:]
    setup = []
    if os.path.exists(os.path.join(out, 'setup.txt')):
        with open(os.path.join(out, 'setup.txt')) as f:
            setup = [line.strip() for line in f if line.strip()]
    ours, oracle = read_log(ours_log), read_log(oracle_log)
    rows, skips = build_rows(ours, oracle)
    print(write_table(os.path.join(out, 'bench.txt'), setup, rows, skips),
          end='')
    csv_path = os.path.join(out, 'bench.csv')
    prev = None
    if os.path.exists(csv_path):
        prev = read_csv(csv_path)
        os.replace(csv_path, os.path.join(out, 'bench.prev.csv'))
    write_csv(csv_path, setup, rows)
    png = plot(os.path.join(out, 'bench.png'), setup, ours, oracle)
    print(f'bench-report: {out}/bench.txt, bench.csv'
          + (', bench.png' if png else ''))
    if prev:
        d, key, steps, bad, alone = compare(prev, read_csv(csv_path))
        print(f'bench-report: against the previous run (bench.prev.csv), the '
              f'largest difference of a measured figure is {100 * d:.1f} %'
              + (f" ({' '.join(k for k in key if k)})" if key else '')
              + f'; dma_map_benchmark figures differ by at most {steps} '
              f'step(s) of {DMB_STEP} us; derived figures (sums, '
              f'differences) left out')
        print(f'bench-report: {len(bad)} figure(s) more than '
              f'{100 * REPEAT:.0f} % apart (dma_map_benchmark: and more '
              f'than one step)'
              + (f'; {alone} figure(s) in one run only' if alone else ''))
        for d, k in sorted(bad, reverse=True):
            print(f"  {100 * d:.1f} %  {' '.join(x for x in k if x)}")
    for name, recs in (('bench-ours', ours[0]), ('bench-oracle', oracle[0])):
        if not any(r.get('kind') in ('dmb', 'ddb') for r in recs):
            print(f'bench-report: {name} printed no figure')
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
