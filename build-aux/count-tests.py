#!/usr/bin/env python3
# count-tests.py: one closing line for one or more `meson test` runs.
#
# Reads each TESTLOG (meson's meson-logs/testlog*.json, one JSON object per test) and prints
# 'N passed, N failed, N skipped' summed over all of them. A TAP test executable counts once per
# test case ('ok' / 'not ok' lines, '# SKIP' counted as skipped), so a GLib test with eleven
# cases is eleven results; other tests count once by their meson result. A testlog that is
# missing or unreadable counts as one failure (its run never finished). Exits 1 when anything
# failed or when no test passed at all, else 0.
#
# Usage: count-tests.py TESTLOG [TESTLOG…]     (default: _build/meson-logs/testlog.json)
#        count-tests.py --self-test            (TAP; checks the counting on made-up logs)
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import io
import json
import os
import re
import sys
import tempfile

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$')
FAILED = ('FAIL', 'ERROR', 'TIMEOUT', 'UNEXPECTEDPASS')


def count_entry(entry):
    """(passed, failed, skipped) for one test of a testlog."""
    result = entry.get('result')
    out = entry.get('stdout') or entry.get('stdo') or ''
    tap = [m for m in (TAP_LINE.match(l) for l in out.splitlines()) if m]
    if not tap:
        if result in ('OK', 'EXPECTEDFAIL'):
            return 1, 0, 0
        if result == 'SKIP':
            return 0, 0, 1
        return 0, 1, 0
    passed = failed = skipped = 0
    for m in tap:
        if re.search(r'#\s*skip', m.group(2), re.IGNORECASE):
            skipped += 1
        elif m.group(1) == 'ok':
            passed += 1
        else:
            failed += 1
    # A program that crashed or leaked after its last case still failed as a whole.
    if result in FAILED and failed == 0:
        failed = 1
    return passed, failed, skipped


def count_log(path):
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
        entries = [json.loads(l) for l in lines if l.strip()]
    except (OSError, ValueError) as e:
        print(f'count-tests: cannot read {path}: {e}', file=sys.stderr)
        return 0, 1, 0
    totals = [0, 0, 0]
    for entry in entries:
        for i, n in enumerate(count_entry(entry)):
            totals[i] += n
    return tuple(totals)


def count_logs(paths):
    totals = [0, 0, 0]
    for path in paths:
        for i, n in enumerate(count_log(path)):
            totals[i] += n
    return tuple(totals)


def self_test():
    def entry(result, stdout=''):
        return json.dumps({'name': 't', 'result': result, 'stdout': stdout})

    tap_ok = 'TAP version 14\n1..3\nok 1 /a\nok 2 /b # SKIP no display\nok 3 /c\n'
    tap_crash = 'TAP version 14\n1..2\nok 1 /a\nok 2 /b\n'
    tap_fail = '1..2\nnot ok 1 /a\nok 2 /b\n'
    cases = [
        ('plain results', [[entry('OK'), entry('SKIP'), entry('FAIL'), entry('EXPECTEDFAIL')]],
         (2, 1, 1)),
        ('TAP cases count one by one', [[entry('OK', tap_ok)]], (2, 0, 1)),
        ('a crash after the last case fails once', [[entry('ERROR', tap_crash)]], (2, 1, 0)),
        ('not ok lines are not counted twice', [[entry('FAIL', tap_fail)]], (1, 1, 0)),
        ('timeouts fail', [[entry('TIMEOUT')]], (0, 1, 0)),
        ('two logs add up', [[entry('OK', tap_ok)], [entry('OK'), entry('FAIL')]], (3, 1, 1)),
        ('a missing log is one failure', [[entry('OK')], None], (1, 1, 0)),
    ]
    print(f'1..{len(cases) + 1}')
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, logs, expected) in enumerate(cases, 1):
            paths = []
            for i, log in enumerate(logs):
                path = os.path.join(tmp, f'{n}-{i}.json')
                if log is not None:
                    with open(path, 'w', encoding='utf-8') as f:
                        f.write('\n'.join(log) + '\n')
                paths.append(path)
            got = count_logs(paths)
            ok = got == expected
            bad += not ok
            print(f'{"ok" if ok else "not ok"} {n} {name}' + ('' if ok else f' # got {got}'))
        # The exit status: non-zero on a failure, or when nothing passed.
        path = os.path.join(tmp, 'skip.json')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(entry('SKIP') + '\n')
        with contextlib.redirect_stdout(io.StringIO()) as out:
            ok = main([path]) == 1 and main([os.path.join(tmp, '2-0.json')]) == 0
        ok = ok and out.getvalue() == '0 passed, 0 failed, 1 skipped\n2 passed, 0 failed, 1 skipped\n'
        bad += not ok
        print(f'{"ok" if ok else "not ok"} {len(cases) + 1} exit status')
    return 1 if bad else 0


def main(argv):
    if argv == ['--self-test']:
        return self_test()
    paths = argv or ['_build/meson-logs/testlog.json']
    passed, failed, skipped = count_logs(paths)
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
