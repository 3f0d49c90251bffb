#!/usr/bin/env python3
# check-installed.py: what `meson install` puts on an end user's machine.
#
# Reads BUILDDIR/meson-info/intro-installed.json and fails when anything besides the programs in
# END_USER_PROGRAMS would be installed into a bin/ or libexec/ directory. The QPay simulator
# (tulbur-sim), the test helpers and the benchmarks are for developers; they run from the
# build tree and are never installed. The Flatpak installs exactly what `meson install` does.
#
# Usage: check-installed.py BUILDDIR
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys

END_USER_PROGRAMS = {'tulbur', 'tulbur-cli'}


def main(builddir):
    path = os.path.join(builddir, 'meson-info', 'intro-installed.json')
    with open(path, encoding='utf-8') as f:
        installed = json.load(f)
    bad = []
    for source, dest in sorted(installed.items()):
        parts = dest.replace('\\', '/').split('/')
        in_program_dir = any(p in ('bin', 'sbin', 'libexec') for p in parts[:-1])
        name = parts[-1]
        if 'tulbur-sim' in name or (in_program_dir and name not in END_USER_PROGRAMS):
            bad.append(f'{os.path.relpath(source, builddir)} -> {dest}')
    for line in bad:
        print(f'not for end users, yet installed: {line}')
    if not bad:
        print(f'installed programs: {", ".join(sorted(END_USER_PROGRAMS))}')
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        print('usage: check-installed.py BUILDDIR', file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
