#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate the in-tree patch series against a Linux 6.12 source tree.

usage: make-series.py KSRC REPO OUTDIR

The repository's drivers/iommu sources, the Kconfig entries in REPO/Kconfig
and the object lists in REPO/drivers/iommu/Kbuild are turned into a git
format-patch series that applies to KSRC with "git am" or "patch -p1":

  0001 dt-bindings: iommu: apple,dart: the t6020 and t8122 compatibles and
       the DMA window cells the driver uses
  0002 iommu/io-pgtable-dart: the page-table backend (replaces 6.12's)
  0003 iommu/apple-dart: the driver (replaces 6.12's), with the
       drivers/iommu/.kunitconfig of both KUnit suites
  0004 selftests/apple-dart: the kselftests, built by the tree's own
       selftests Makefile (TARGETS=apple-dart), with the headers they
       share with the test client and the test engine

Commit messages are REPO/tools/intree/NNNN.msg (subject, blank line, body).
Nothing here is hand-maintained twice: Kconfig blocks and object lists are
read from the files the out-of-tree build uses.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# Files of the tree the series touches (besides the ones it adds).
BINDING = 'Documentation/devicetree/bindings/iommu/apple,dart.yaml'
TREE_FILES = [BINDING, 'MAINTAINERS', 'drivers/iommu/Kconfig', 'drivers/iommu/Makefile',
              'drivers/iommu/io-pgtable.c', 'drivers/iommu/io-pgtable-dart.c',
              'drivers/iommu/apple-dart.c', 'include/linux/io-pgtable.h',
              'tools/testing/selftests/Makefile']
SELFTESTS = 'tools/testing/selftests/apple-dart'
# Headers the kselftests include that live with their other users in this
# repository; in the tree they sit next to the tests.
SELFTEST_HEADERS = ['tools/testing/kernel/client/apple-dart-test.h',
                    'tools/testing/kernel/display/apple-dart-dcp-test.h',
                    'tools/testing/include/apple-dart-test-engine.h',
                    'tools/testing/include/apple-dart-display-regs.h']


def die(msg):
    sys.stderr.write('make-series: %s\n' % msg)
    sys.exit(1)


def kconfig_blocks(text):
    """Split Kconfig text into {symbol: block text} for top-level config entries."""
    blocks = {}
    order = []
    cur = None
    for line in text.splitlines(keepends=True):
        m = re.match(r'^(menu)?config (\w+)', line)
        if m:
            cur = m.group(2)
            if cur in blocks:
                die('Kconfig: %s defined twice' % cur)
            blocks[cur] = ''
            order.append(cur)
        elif cur and line.strip() and not line[0].isspace():
            cur = None
        if cur:
            blocks[cur] += line
    for sym in blocks:
        blocks[sym] = blocks[sym].rstrip('\n') + '\n'
    return blocks, order


def replace_kconfig(tree_text, ours, syms, anchor):
    """Replace the tree's block for ANCHOR by our blocks SYMS (anchor first)."""
    tree_blocks, _ = kconfig_blocks(tree_text)
    if anchor not in tree_blocks:
        die('tree Kconfig has no config %s' % anchor)
    new = '\n'.join(ours[s] for s in syms)
    old = tree_blocks[anchor]
    if tree_text.count(old) != 1:
        die('cannot find config %s block uniquely' % anchor)
    return tree_text.replace(old.rstrip('\n') + '\n', new, 1)


def kbuild_lines(kbuild, syms):
    """Our Kbuild's obj-$(CONFIG_...) lines for the symbols SYMS, and the
    composite-object lines (name-y := ...) of the objects they build."""
    out, objs = [], set()
    for line in kbuild.splitlines():
        m = re.match(r'^obj-\$\(CONFIG_(\w+)\)\s*\+=\s*(.*)$', line)
        if m and m.group(1) in syms:
            out.append(line)
            objs.update(o[:-2] for o in m.group(2).split() if o.endswith('.o'))
            continue
        m = re.match(r'^([\w-]+)-y\s*[:+]?=', line)
        if m and m.group(1) in objs:
            out.append(line)
    return out


def sub1(text, old, new, what):
    if text.count(old) != 1:
        die('anchor for %s not found exactly once' % what)
    return text.replace(old, new, 1)


def git(repo, *args, env=None):
    subprocess.run(['git', '-C', repo] + list(args), check=True,
                   stdout=subprocess.DEVNULL, env=env)


# Fixed dates for every commit, the base too: the same sources give the
# same series byte for byte, so caches keyed by it (kunit-tool, dt-schema)
# are reused.
FIXED_DATES = {'GIT_AUTHOR_DATE': '2026-01-01T00:00:00Z',
               'GIT_COMMITTER_DATE': '2026-01-01T00:00:00Z'}


def commit(work, repo, msgfile):
    git(work, 'add', '-A')
    git(work, 'commit', '-q', '-s', '-F', os.path.join(repo, 'tools/intree', msgfile),
        env=dict(os.environ, **FIXED_DATES))


def main():
    if len(sys.argv) != 4:
        die('usage: make-series.py KSRC REPO OUTDIR')
    ksrc, repo, outdir = sys.argv[1:]
    ours_k, ours_order = kconfig_blocks(open(os.path.join(repo, 'Kconfig')).read())
    kbuild = open(os.path.join(repo, 'drivers/iommu/Kbuild')).read()
    srcdir = os.path.join(repo, 'drivers/iommu')

    work = tempfile.mkdtemp(prefix='dart-series-')
    try:
        for f in TREE_FILES:
            os.makedirs(os.path.join(work, os.path.dirname(f)), exist_ok=True)
            shutil.copy(os.path.join(ksrc, f), os.path.join(work, f))
        git(work, 'init', '-q')
        git(work, 'config', 'user.name',
            subprocess.run(['git', '-C', repo, 'config', 'user.name'],
                           capture_output=True, text=True).stdout.strip() or 'dart')
        git(work, 'config', 'user.email',
            subprocess.run(['git', '-C', repo, 'config', 'user.email'],
                           capture_output=True, text=True).stdout.strip() or 'dart@localhost')
        git(work, 'add', '-A')
        git(work, 'commit', '-q', '-m', 'Linux 6.12 (base)', env=dict(os.environ, **FIXED_DATES))

        def path(p):
            return os.path.join(work, p)

        def rd(p):
            return open(path(p)).read()

        def wr(p, text):
            with open(path(p), 'w') as f:
                f.write(text)

        def add_sources(prefix):
            names = sorted(n for n in os.listdir(srcdir)
                           if n.startswith(prefix) and re.search(r'\.[ch]$', n)
                           and not n.endswith('.mod.c'))
            if not names:
                die('no %s* sources' % prefix)
            for n in names:
                shutil.copy(os.path.join(srcdir, n), path('drivers/iommu/' + n))
            return names

        # 1: the binding gains the T602x and T8122 compatibles, each with
        # the T8110 one as its fallback (hw §0), the 5-cell specifier with
        # a DMA window, and loses the stale stream limit.
        yaml = rd(BINDING)
        yaml = sub1(yaml, '''  compatible:
    enum:
      - apple,t8103-dart
      - apple,t8103-usb4-dart
      - apple,t8110-dart
      - apple,t6000-dart
''', '''  compatible:
    oneOf:
      - enum:
          - apple,t8103-dart
          - apple,t8103-usb4-dart
          - apple,t8110-dart
          - apple,t6000-dart
      - items:
          - enum:
              - apple,t6020-dart
              - apple,t8122-dart
          - const: apple,t8110-dart
''', 'binding compatible list')
        # The specifier may carry the master's DMA window (driver.rst, "DMA
        # windows"), as the 2026 binding queued upstream has it.
        yaml = sub1(yaml, '''  '#iommu-cells':
    const: 1
    description:
      Has to be one. The single cell describes the stream id emitted by
      a master to the IOMMU.
''', '''  '#iommu-cells':
    enum: [1, 5]
    description:
      The first cell is the stream id emitted by a master to the IOMMU.
      With five cells, the next two give the first address of the DMA
      window the master can use on that stream and the last two its
      length, each as a 64-bit number, most significant cell first.  The
      window must lie within the addresses the DART translates.
''', 'binding iommu-cells')
        yaml = sub1(yaml, '''    master2 {
      iommus = <&dart2a 0>, <&dart2b 1>;
    };
''', '''    master2 {
      iommus = <&dart2a 0>, <&dart2b 1>;
    };

  - |+
    dart3: iommu@82f00000 {
      compatible = "apple,t8103-dart";
      reg = <0x82f00000 0x4000>;
      interrupts = <1 781 4>;
      #iommu-cells = <5>;
    };

    master3 {
      iommus = <&dart3 1 0x0 0x10000000 0x0 0x1000000>;
    };
''', 'binding example')
        yaml = sub1(yaml, '''  Each DART instance is capable of handling up to 16 different streams
  with individual pagetables and page-level read/write protection flags.
''', '''  Each DART instance handles a number of streams (16 or 64 on T8020 and
  T6000, up to 256 on T8110) with individual page tables and page-level
  read/write protection flags.
''', 'binding description')
        wr(BINDING, yaml)
        commit(work, repo, '0001.msg')

        def replace_component(symbol, prefix, obj):
            """Swap the tree's SYMBOL Kconfig entry, PREFIX* sources, Makefile
            line for OBJ and MAINTAINERS pattern for ours."""
            syms = [s for s in ours_order if s.startswith(symbol)]
            if symbol not in syms:
                die('Kconfig has no %s' % symbol)
            wr('drivers/iommu/Kconfig', replace_kconfig(rd('drivers/iommu/Kconfig'),
                                                        ours_k, syms, symbol))
            os.unlink(path('drivers/iommu/' + obj.replace('.o', '.c')))
            add_sources(prefix)
            lines = kbuild_lines(kbuild, syms)
            wr('drivers/iommu/Makefile', sub1(
                rd('drivers/iommu/Makefile'),
                'obj-$(CONFIG_%s) += %s\n' % (symbol, obj), '\n'.join(lines) + '\n',
                '%s in Makefile' % obj))
            wr('MAINTAINERS', sub1(
                rd('MAINTAINERS'), 'F:\tdrivers/iommu/%s\n' % obj.replace('.o', '.c'),
                'F:\tdrivers/iommu/%s*\n' % prefix, 'MAINTAINERS %s' % prefix))

        # 2: the page-table backend; APPLE_DART2 gets its own registry entry.
        replace_component('IOMMU_IO_PGTABLE_DART', 'io-pgtable-dart', 'io-pgtable-dart.o')
        wr('drivers/iommu/io-pgtable.c', sub1(
            rd('drivers/iommu/io-pgtable.c'),
            '[APPLE_DART2] = &io_pgtable_apple_dart_init_fns,',
            '[APPLE_DART2] = &io_pgtable_apple_dart2_init_fns,', 'io-pgtable.c registry'))
        wr('include/linux/io-pgtable.h', sub1(
            rd('include/linux/io-pgtable.h'),
            'extern struct io_pgtable_init_fns io_pgtable_apple_dart_init_fns;\n',
            'extern struct io_pgtable_init_fns io_pgtable_apple_dart_init_fns;\n'
            'extern struct io_pgtable_init_fns io_pgtable_apple_dart2_init_fns;\n',
            'io-pgtable.h extern'))
        commit(work, repo, '0002.msg')

        # 3: the driver, and the kunitconfig that runs both suites with
        # tools/testing/kunit/kunit.py --kunitconfig=drivers/iommu.
        replace_component('APPLE_DART', 'apple-dart', 'apple-dart.o')
        shutil.copy(os.path.join(srcdir, '.kunitconfig'), path('drivers/iommu/.kunitconfig'))
        commit(work, repo, '0003.msg')

        # 4: the kselftests, a TARGETS entry of the selftests Makefile.
        os.makedirs(path(SELFTESTS))
        names = sorted(n for n in os.listdir(os.path.join(repo, SELFTESTS))
                       if n == 'Makefile' or re.search(r'\.[ch]$', n))
        for n in names:
            shutil.copy(os.path.join(repo, SELFTESTS, n), path(SELFTESTS + '/' + n))
        for h in SELFTEST_HEADERS:
            shutil.copy(os.path.join(repo, h), path(SELFTESTS + '/' + os.path.basename(h)))
        wr('tools/testing/selftests/Makefile', sub1(
            rd('tools/testing/selftests/Makefile'), 'TARGETS += amd-pstate\n',
            'TARGETS += amd-pstate\nTARGETS += apple-dart\n', 'selftests TARGETS'))
        wr('MAINTAINERS', sub1(
            rd('MAINTAINERS'), 'F:\tinclude/linux/soc/apple/*\n',
            'F:\tinclude/linux/soc/apple/*\nF:\t%s/\n' % SELFTESTS, 'MAINTAINERS selftests'))
        commit(work, repo, '0004.msg')

        if os.path.isdir(outdir):
            shutil.rmtree(outdir)
        os.makedirs(outdir)
        subprocess.run(['git', '-C', work, 'format-patch', '-q', '--no-signature',
                        '--cover-letter', '-o', os.path.abspath(outdir), 'HEAD~4'],
                       check=True)
        cover = [f for f in os.listdir(outdir) if f.startswith('0000-')][0]
        cl = open(os.path.join(outdir, cover)).read()
        cl = cl.replace('*** SUBJECT HERE ***',
                        'iommu: Apple DART driver and page-table backend, rewritten')
        cl = cl.replace('*** BLURB HERE ***',
                        open(os.path.join(repo, 'tools/intree/cover.txt')).read().strip())
        open(os.path.join(outdir, cover), 'w').write(cl)
        for f in sorted(os.listdir(outdir)):
            print(os.path.join(outdir, f))
    finally:
        shutil.rmtree(work)


if __name__ == '__main__':
    main()
