#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every reStructuredText file under Documentation/ parses with
docutils without a warning (a broken table or list renders as garbage, and
nothing else would notice).  Sphinx-only roles and directives the kernel's
documentation uses are accepted without being checked.

usage: check-docs.py TOP_DIR
"""

import os
import sys

import docutils.core
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


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else '.'
    for name in ('toctree', 'kernel-doc', 'only'):
        directives.register_directive(name, Passthrough)
    for name in ('doc', 'ref', 'c:func', 'c:type', 'c:macro'):
        roles.register_local_role(name, passthrough_role)
    bad = 0
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
        docutils.core.publish_doctree(text, source_path=path, settings_overrides={
            'report_level': docutils.utils.Reporter.WARNING_LEVEL,
            'halt_level': docutils.utils.Reporter.SEVERE_LEVEL + 1,
            'warning_stream': Collect()})
        sys.stdout.write(''.join(warnings))
        bad += bool(warnings)
        print('%s %s' % ('FAIL' if warnings else 'ok', os.path.relpath(path, top)))
    print('%d of %d documents with warnings' % (bad, len(files)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
