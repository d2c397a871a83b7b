#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every reStructuredText file under Documentation/ parses with
docutils without a warning (a broken table or list renders as garbage, and
nothing else would notice).  Sphinx-only roles and directives the kernel's
documentation uses are accepted without being checked.

Then check that every hardware citation ("hw §N", "hw §N.M", and the older
"dart-hw.md §N" / "dart-hw.md section N") in drivers/, tools/ and
Documentation/ names a numbered section of Documentation/dart/hardware.rst,
so that every fact the code cites can be found in the repository.  A chained
citation ("hw §2.3, §3.3", "hw §2.2/§3.2", "hw §1-§3") checks each number.
The citation checker first proves on made-up text that it reports a missing
section, so it cannot silently pass everything.

usage: check-docs.py TOP_DIR
"""

import os
import re
import subprocess
import sys

import docutils.core
import docutils.nodes
import docutils.utils
from docutils.parsers.rst import directives, roles, Directive


class Passthrough(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


def passthrough_role(name, rawtext, text, lineno, inliner, options=None,
                     content=None):
    return [], []


HARDWARE = 'Documentation/dart/hardware.rst'
CITED_DIRS = ('drivers', 'tools', 'Documentation')
CITE_START = re.compile(r'(?:\bhw|dart-hw\.md)\s+§(\d+(?:\.\d+)?)'
                        r'|dart-hw\.md\s+section\s+(\d+(?:\.\d+)?)')
# Further numbers of one citation; comment leaders may sit between them
# when a citation wraps in a C or shell comment.
CITE_MORE = re.compile(r'[\s*#]*(?:,|/|-|and|or)[\s*#]*§(\d+(?:\.\d+)?)')


def hardware_sections(doctree):
    """The section numbers ("2", "2.2") of hardware.rst's section titles."""
    found = set()
    for sec in doctree.traverse(docutils.nodes.section):
        m = re.match(r'(\d+(?:\.\d+)?)\s', sec[0].astext())
        if m:
            found.add(m.group(1))
    return found


def citations(text):
    """(line, section) for every hardware citation in TEXT."""
    for m in CITE_START.finditer(text):
        line = text.count('\n', 0, m.start()) + 1
        yield line, m.group(1) or m.group(2)
        pos = m.end()
        while True:
            more = CITE_MORE.match(text, pos)
            if not more:
                break
            yield text.count('\n', 0, more.start(1)) + 1, more.group(1)
            pos = more.end()


def bad_citations(name, text, sections):
    return ['%s:%d: hw §%s: no such section in %s' % (name, line, sec, HARDWARE)
            for line, sec in citations(text) if sec not in sections]


def self_test(sections):
    """The checker must catch what it is there to catch."""
    # Written with escapes, so this file itself holds no bad citation.
    sample = ('/* fine (hw \u00a72.2, \u00a73.2) */\n'
              '/* a section that does not exist: hw \u00a79.7 */\n'
              '/* the second one of a chain: hw \u00a72.3,\n * \u00a73.9 */\n'
              '# dart-hw.md \u00a742 and dart-hw.md section 0\n')
    got = bad_citations('self-test', sample, sections)
    want = ['self-test:2: hw \u00a79.7', 'self-test:4: hw \u00a73.9',
            'self-test:5: hw \u00a742']
    if [g.split(': no such')[0] for g in got] != want:
        print('citation self-test FAILED: got %r, want %r' % (got, want))
        return False
    if not {'0', '2.2', '3.2', '4.1', '8'} <= sections:
        print('citation self-test FAILED: sections of %s not found: %s' %
              (HARDWARE, sorted(sections)))
        return False
    return True


def check_citations(top, sections):
    names = subprocess.run(['git', '-C', top, 'ls-files', '-co', '--exclude-standard', '--']
                           + list(CITED_DIRS), check=True, capture_output=True,
                           text=True).stdout.split('\n')
    bad, count = [], 0
    for name in filter(None, names):
        try:
            with open(os.path.join(top, name), encoding='utf-8') as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        count += sum(1 for _ in citations(text))
        bad += bad_citations(name, text, sections)
    for b in bad:
        print(b)
    print('%d hardware citations, %d naming no section of %s' % (count, len(bad), HARDWARE))
    return not bad


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else '.'
    for name in ('toctree', 'kernel-doc', 'only'):
        directives.register_directive(name, Passthrough)
    for name in ('doc', 'ref', 'c:func', 'c:type', 'c:macro'):
        roles.register_local_role(name, passthrough_role)
    bad = 0
    sections = set()
    files = []
    for root, _, names in os.walk(os.path.join(top, 'Documentation')):
        files += [os.path.join(root, n) for n in names if n.endswith('.rst')]
    for path in sorted(files):
        with open(path) as f:
            text = f.read()
        warnings = []

        class Collect:
            def write(self, msg):
                warnings.append(msg)
        doctree = docutils.core.publish_doctree(text, source_path=path, settings_overrides={
            'report_level': docutils.utils.Reporter.WARNING_LEVEL,
            'halt_level': docutils.utils.Reporter.SEVERE_LEVEL + 1,
            'warning_stream': Collect()})
        if os.path.relpath(path, top) == HARDWARE:
            sections = hardware_sections(doctree)
        sys.stdout.write(''.join(warnings))
        bad += bool(warnings)
        print('%s %s' % ('FAIL' if warnings else 'ok', os.path.relpath(path, top)))
    print('%d of %d documents with warnings' % (bad, len(files)))
    if not self_test(sections) or not check_citations(top, sections):
        bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
