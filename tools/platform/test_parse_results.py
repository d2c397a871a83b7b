#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of parse-results.py: every failure kind make check promises to
catch must turn into a "not ok" line, and clean logs must not."""

import importlib.util
import os
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'parse_results', os.path.join(HERE, 'parse-results.py'))
pr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pr)

KUNIT_OK = '''@@DART-BEGIN kunit suite_a
KTAP version 1
1..1
    KTAP version 1
    # Subtest: suite_a
    1..2
        KTAP version 1
        # Subtest: param_case
        ok 1 one
        ok 2 two
    ok 1 param_case
    ok 2 plain_case # SKIP not here
ok 1 suite_a
@@DART-END kunit suite_a rc=0
'''

KSFT = '''@@DART-BEGIN kselftest bin_b
TAP version 13
1..3
# Starting 3 tests from 1 test cases.
#  RUN           fix.first ...
#            OK  fix.first
ok 1 fix.first
#  RUN           fix.second ...
# platform_test.c:12:second:Expected 0 (0) == x (1)
not ok 2 fix.second
ok 3 fix.third # SKIP no device
# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
@@DART-END kselftest bin_b rc=1
'''

DONE = '@@DART-DONE uptime=1.0\n@@DART-QEMU-EXIT rc=0\n'


class ParseTest(unittest.TestCase):
    def run_logs(self, console, qemu=''):
        d = tempfile.mkdtemp()
        with open(os.path.join(d, 's.console.log'), 'w') as f:
            f.write(console)
        with open(os.path.join(d, 's.qemu.log'), 'w') as f:
            f.write(qemu)
        return {name: (status, why) for name, status, why in
                pr.parse_scenario(d, 's')}

    def failures(self, res):
        return sorted(n for n, (st, _) in res.items() if st == 'not ok')

    def assert_reports(self, *splats):
        """Each kernel line alone in a clean log is one failure."""
        for splat in splats:
            res = self.run_logs(KUNIT_OK + splat + '\n' + DONE)
            self.assertEqual(self.failures(res), ['s/kernel/report-1'], splat)

    def test_clean_kunit_levels_and_skip(self):
        res = self.run_logs(KUNIT_OK + DONE)
        self.assertEqual(res['s/suite_a/param_case'][0], 'ok')
        self.assertEqual(res['s/suite_a/plain_case'][0], 'skip')
        self.assertNotIn('s/suite_a/one', res)
        self.assertEqual(self.failures(res), [])

    def test_kselftest_failure_and_skip(self):
        res = self.run_logs(KSFT + DONE)
        self.assertEqual(res['s/bin_b/fix.first'][0], 'ok')
        self.assertEqual(res['s/bin_b/fix.second'][0], 'not ok')
        self.assertEqual(res['s/bin_b/fix.third'][0], 'skip')
        self.assertEqual(self.failures(res), ['s/bin_b/fix.second'])

    def test_nonzero_exit_without_not_ok_fails(self):
        log = ('@@DART-BEGIN kselftest c\nok 1 x\n'
               '@@DART-END kselftest c rc=139\n' + DONE)
        self.assertEqual(self.failures(self.run_logs(log)), ['s/c/exit'])

    def test_empty_block_fails(self):
        log = '@@DART-BEGIN kunit d\n@@DART-END kunit d rc=0\n' + DONE
        self.assertEqual(self.failures(self.run_logs(log)), ['s/d/results'])

    def test_guest_died_inside_block(self):
        log = '@@DART-BEGIN kselftest e\nok 1 x\n@@DART-QEMU-EXIT rc=0\n'
        fails = self.failures(self.run_logs(log))
        self.assertIn('s/e/completed', fails)
        self.assertIn('s/boot/reached-end', fails)

    def test_kernel_reports_fail(self):
        self.assert_reports('[    1.5] WARNING: CPU: 0 PID: 1 at foo.c:1 bar+0x1/0x2',
                            '[    1.5] BUG: sleeping function called from invalid context',
                            '[    1.5] Unable to handle kernel paging request at 0',
                            '[    1.5] Internal error: Oops: 0000000096000004 [#1] SMP',
                            '[    1.5] WARNING: possible circular locking dependency detected',
                            '[    1.5] INFO: inconsistent lock state',
                            '[    1.5] DMA-API: platform x: device driver failed to check map error')

    def test_sanitizer_reports_fail(self):
        # The first line of each report as the 6.12 sanitizers print it
        # (mm/kasan/report.c, lib/ubsan.c, lib/list_debug.c,
        # lib/debugobjects.c); the WARNING that follows the last two is
        # caught on its own.
        self.assert_reports('[    2.1] BUG: KASAN: slab-use-after-free in adart_irq+0x94/0x2a0 [apple_dart]',
                            '[    2.1] BUG: KASAN: slab-out-of-bounds in dart_map_pages+0x1c/0x80',
                            '[    2.1] KASAN: null-ptr-deref in range [0x0-0x7]',
                            '[    2.1] UBSAN: shift-out-of-bounds in drivers/iommu/apple-dart.c:312:17',
                            '[    2.1] UBSAN: array-index-out-of-bounds in drivers/iommu/io-pgtable-dart.c:88:9',
                            '[    2.1] list_add corruption. next->prev should be prev (ffff0000c1), but was 0000000000000000.',
                            '[    2.1] list_del corruption, ffff0000c1->next is LIST_POISON1 (dead000000000100)',
                            '[    2.1] ODEBUG: free active (active state 0) object: ffff0000c1 object type: timer_list hint: adart_tick+0x0/0x40',
                            '[    2.1] ODEBUG: object ffff8000c1 is on stack ffff8000c0, but NOT annotated.',
                            '[    2.1] ODEBUG: Out of memory. ODEBUG disabled')

    def test_disabled_irq_fails(self):
        # kernel/irq/spurious.c: a handler that does not claim its
        # interrupts gets it disabled (a fault storm must not).
        self.assert_reports('[    7.3] irq 176: nobody cared (try booting with the "irqpoll" option)',
                            '[    7.3] Disabling IRQ #176')

    def kmemleak_block(self, body, scanned=True):
        return ('@@DART-BEGIN kmemleak boot\n' + body +
                ('@@kmemleak-scanned\n' if scanned else '') +
                '@@DART-END kmemleak boot rc=0\n')

    def test_kmemleak_each_object_fails(self):
        leak = '''unreferenced object 0xffff0000c4a1b000 (size 128):
  comm "insmod", pid 97, jiffies 4294893211
  hex dump (first 32 bytes):
    00 00 00 00 00 00 00 00 6b 6b 6b 6b 6b 6b 6b 6b  ........kkkkkkkk
  backtrace (crc 5f2e1a0b):
    kmemleak_alloc+0x3c/0x50
    __kmalloc_cache_noprof+0x1f4/0x2d8
    adart_probe+0x1a8/0x6c0 [apple_dart]
    platform_probe+0x68/0xd8
'''
        other = leak.replace('c4a1b000 (size 128)', 'c4a1c000 (size 64)').replace(
            '    adart_probe+0x1a8/0x6c0 [apple_dart]\n', '')
        res = self.run_logs(KUNIT_OK + self.kmemleak_block(leak + other) + DONE)
        self.assertEqual(self.failures(res), ['s/kmemleak/leak-1',
                                              's/kmemleak/leak-2'])
        self.assertIn('size 128', res['s/kmemleak/leak-1'][1])
        self.assertIn('adart_probe', res['s/kmemleak/leak-1'][1])
        self.assertIn('adart_probe+0x1a8/0x6c0 [apple_dart] < platform_probe',
                      res['s/kmemleak/leak-1'][1])
        self.assertIn('platform_probe', res['s/kmemleak/leak-2'][1])
        # Tagged as the guest sends it, the frames' indentation kept.
        tagged = ''.join('[ 3.0] dart| %s\n' % l for l in
                         self.kmemleak_block(leak).splitlines())
        res = self.run_logs(KUNIT_OK + tagged + DONE)
        self.assertEqual(self.failures(res), ['s/kmemleak/leak-1'])
        self.assertIn('adart_probe', res['s/kmemleak/leak-1'][1])

    def test_kmemleak_clean_and_missing_scan(self):
        res = self.run_logs(KUNIT_OK + self.kmemleak_block('') + DONE)
        self.assertEqual(res['s/kmemleak/no-leaks'][0], 'ok')
        self.assertEqual(self.failures(res), [])
        res = self.run_logs(KUNIT_OK + self.kmemleak_block(
            '# kmemleak: scan failed\n', scanned=False) + DONE)
        self.assertEqual(self.failures(res), ['s/kmemleak/scan'])

    def test_ordinary_kernel_lines_pass(self):
        log = ('[    0.1] DMA-API: debugging enabled by kernel config\n'
               '[    0.2] iommu: Default domain type: Translated\n'
               '[    0.3] kmemleak: Kernel memory leak detector initialized (mem pool available: 15745)\n'
               '[    0.3] kasan: KernelAddressSanitizer initialized (generic)\n'
               '[    0.4] ODEBUG: 12 of 40 active objects replaced\n'
               '[    9.0] kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n')
        self.assertEqual(self.failures(self.run_logs(log + KUNIT_OK + DONE)), [])

    def test_model_violation_fails(self):
        q = ('dart-t8103: fault: stream 1 IOVA 0x1000 NO_PTE\n'
             'dart-t8103: expected model violation: locked TCR write\n'
             'dart-t8103: DART-VIOLATION stale TLB use: stream 1 IOVA 0x4000\n')
        res = self.run_logs(KUNIT_OK + DONE, q)
        self.assertEqual(self.failures(res), ['s/model/violation-1'])

    def test_qemu_timeout_fails(self):
        log = KUNIT_OK + '@@DART-DONE\n@@DART-QEMU-EXIT rc=124\n'
        res = self.run_logs(log)
        self.assertEqual(self.failures(res), ['s/boot/qemu-exit'])
        self.assertIn('timeout', res['s/boot/qemu-exit'][1])

    def test_tagged_guest_lines(self):
        # What the console shows under make check: every guest line a
        # "dart| " kernel record, KTAP nesting kept, kernel messages between.
        tagged = ''.join('[   %d.000001] dart| %s\n' % (i, l) for i, l in
                         enumerate((KSFT + DONE).splitlines()))
        tagged = tagged.replace('dart| ok 1 fix.first\n', 'dart| ok 1 fix.first\n'
                                '[    9.5] virtio_blk virtio0: [vda] 128 blocks\n')
        res = self.run_logs(tagged)
        self.assertEqual(res['s/bin_b/fix.first'][0], 'ok')
        self.assertEqual(res['s/bin_b/fix.third'][0], 'skip')
        self.assertEqual(self.failures(res), ['s/bin_b/fix.second'])
        nested = ''.join('[ 1.0] dart| %s\n' % l for l in
                         (KUNIT_OK + DONE).splitlines())
        res = self.run_logs(nested)
        self.assertEqual(res['s/suite_a/param_case'][0], 'ok')
        self.assertNotIn('s/suite_a/one', res)
        self.assertEqual(self.failures(res), [])

    def test_tagged_line_is_no_kernel_report(self):
        # A test's own output that mentions a splat is not a kernel report,
        # but a real one between tagged lines is.
        log = ('[ 1.0] dart| # WARNING: this test prints a warning\n' +
               KUNIT_OK + DONE)
        self.assertEqual(self.failures(self.run_logs(log)), [])
        log = ('[ 1.0] dart| @@DART-BEGIN kunit s1\n'
               '[ 1.1] WARNING: CPU: 0 PID: 1 at foo.c:1 bar+0x1/0x2\n'
               '[ 1.2] dart| ok 1 x\n[ 1.3] dart| @@DART-END kunit s1 rc=0\n'
               + DONE)
        self.assertEqual(self.failures(self.run_logs(log)), ['s/kernel/report-1'])

    def test_missing_console(self):
        res = pr.parse_scenario(tempfile.mkdtemp(), 'none')
        self.assertEqual(res[0][1], 'not ok')


if __name__ == '__main__':
    unittest.main()
