#!/usr/bin/env python3
"""Counts test results from meson's testlog.json and prints 'N passed, N failed, N skipped'.

A TAP test executable counts once per test case ('ok' / 'not ok' lines), so a GLib test with
eleven cases is eleven results; other tests count once by their meson result. Exits 1 when
anything failed or when no test ran at all.
"""
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$')


def main(path):
    passed = failed = skipped = 0
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError as e:
        print(f'cannot read {path}: {e}', file=sys.stderr)
        print('0 passed, 1 failed')
        return 1
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        result = entry.get('result')
        out = entry.get('stdout') or entry.get('stdo') or ''
        tap = [TAP_LINE.match(l) for l in out.splitlines()]
        tap = [m for m in tap if m]
        if tap:
            for m in tap:
                rest = m.group(2)
                if '# SKIP' in rest or '# skip' in rest:
                    skipped += 1
                elif m.group(1) == 'ok':
                    passed += 1
                else:
                    failed += 1
            # A test program that crashed after some cases still failed as a whole.
            if result in ('FAIL', 'ERROR', 'TIMEOUT', 'UNEXPECTEDPASS') and \
                    not any(m.group(1) == 'not ok' for m in tap):
                failed += 1
        elif result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '_build/meson-logs/testlog.json'))
