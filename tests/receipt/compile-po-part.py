#!/usr/bin/env python3
# compile-po-part.py: compile a header-less PO fragment (po/parts/<area>.po) into a .mo, so
# tests can use translations before the lead merges the fragment into po/mn.po.
#
# Usage: compile-po-part.py MSGFMT INPUT.po OUTPUT.mo
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: tulbur\\n"
"Language: mn\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''

msgfmt, source, output = sys.argv[1:4]
with open(source, encoding='utf-8') as f:
    body = f.read()

with tempfile.NamedTemporaryFile('w', suffix='.po', encoding='utf-8', delete=False) as tmp:
    tmp.write(HEADER + body)
try:
    subprocess.run([msgfmt, '--check-format', '-o', output, tmp.name], check=True)
finally:
    os.unlink(tmp.name)
