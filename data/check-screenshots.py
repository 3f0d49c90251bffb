#!/usr/bin/env python3
# check-screenshots.py: every screenshot the metainfo lists is a PNG in data/screenshots/.
#
# The metainfo names its screenshots by their raw.githubusercontent.com address on the main
# branch, which no offline validator can follow; a renamed or forgotten file would only show up
# as a broken image on Flathub. tests/ui/take-screenshots.sh makes the files.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import struct
import sys
import xml.etree.ElementTree as ET

PREFIX = 'https://raw.githubusercontent.com/tulbur/tulbur/main/'
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def check(metainfo, source_root):
    errors = []
    images = [e.text.strip() for e in ET.parse(metainfo).getroot().iter('image')]
    if not images:
        errors.append('the metainfo lists no screenshot')
    for url in images:
        if not url.startswith(PREFIX + 'data/screenshots/'):
            errors.append(f'{url}: not a file of data/screenshots/ on the main branch')
            continue
        path = os.path.join(source_root, url[len(PREFIX):])
        try:
            with open(path, 'rb') as f:
                head = f.read(24)
        except OSError as e:
            errors.append(f'{url}: {e}')
            continue
        if head[:8] != PNG_SIGNATURE:
            errors.append(f'{url}: not a PNG')
            continue
        width, height = struct.unpack('>II', head[16:24])
        if width < 620 or height < 400:
            errors.append(f'{url}: {width}x{height} is too small for a store listing')
    return errors


def main():
    metainfo, source_root = sys.argv[1], sys.argv[2]
    errors = check(metainfo, source_root)
    for error in errors:
        print(f'{metainfo}: {error}', file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
