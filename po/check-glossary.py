#!/usr/bin/env python3
# check-glossary.py: one term for one thing in the Mongolian catalogue.
#
# For each row of po/glossary-mn.tsv, every finished entry of po/mn.po whose msgid uses the
# English term must use the Mongolian stem and none of the stems the glossary forbids. Prints
# each offending msgid with the rule it breaks and exits 1; exits 0 when all agree.
#
# Usage: check-glossary.py [--po FILE] [--glossary FILE] | --selftest
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def unquote(line):
    body = line[line.index('"') + 1:line.rindex('"')]
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), body)


def read_po(path):
    """Yields (msgid, [msgstr…]) for each entry, skipping the header and fuzzy entries."""
    entries = []
    with open(path, encoding='utf-8') as f:
        blocks = f.read().split('\n\n')
    for block in blocks:
        msgid, msgstrs, current, fuzzy = [], [], None, False
        for line in block.splitlines():
            if line.startswith('#,') and 'fuzzy' in line:
                fuzzy = True
            if line.startswith('#~'):
                current = None
                continue
            if line.startswith('msgid '):
                current = msgid
            elif line.startswith('msgid_plural '):
                current = []
            elif line.startswith('msgstr'):
                current = []
                msgstrs.append(current)
            elif not line.startswith('"'):
                continue
            if current is not None and '"' in line:
                current.append(unquote(line))
        text = ''.join(msgid)
        if text and not fuzzy:
            entries.append((text, [''.join(s) for s in msgstrs]))
    return entries


def read_glossary(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.strip() or line.startswith('#'):
                continue
            cols = line.rstrip('\n').split('\t')
            if len(cols) < 4:
                raise SystemExit(f'{path}: a row needs at least 4 tab-separated columns: {line!r}')
            english, stem, forbidden, exempt = cols[:4]
            rows.append({
                'english': re.compile(r'\b(?:' + english + r')\b', re.I),
                'term': english,
                'stem': stem.lower(),
                'forbidden': [] if forbidden == '-' else [w.lower() for w in forbidden.split(',')],
                'exempt': None if exempt == '-' else re.compile(exempt, re.I),
            })
    return rows


# Text that names code rather than speaking to people: JSON keys after "With --json", lists of
# upper-case states such as "(OPEN, PARTIAL, PAID or VOID)", and command-line values after
# "is not one of". Terms there are not translated, so the glossary does not apply to them.
CODE = [
    re.compile(r'With --json[^\n]*', re.I),
    re.compile(r'\((?:[A-Z_]+, )+(?:[A-Z_]+,? )?or [A-Z_]+\)'),
    re.compile(r'is not one of [a-z, ]+'),
]


def prose(msgid):
    for pattern in CODE:
        msgid = pattern.sub(' ', msgid)
    return msgid


def problems(entries, rows):
    found = []
    for msgid, msgstrs in entries:
        text = prose(msgid)
        for row in rows:
            if not row['english'].search(text):
                continue
            if row['exempt'] and row['exempt'].search(msgid):
                continue
            for msgstr in msgstrs:
                if not msgstr:
                    continue
                low = msgstr.lower()
                if row['stem'] not in low:
                    found.append(f'“{msgid}”: “{row["term"]}” must be translated with “{row["stem"]}”')
                for bad in row['forbidden']:
                    if bad in low:
                        found.append(f'“{msgid}”: “{row["term"]}” must not be translated as “{bad}”')
    return found


def selftest():
    glossary = 'customers?\tүйлчлүүлэгч\tхарилцагч\t-\tnote\n'
    cases = [
        ('msgid "Customer"\nmsgstr "Үйлчлүүлэгч"\n', 0),
        ('msgid "A customer’s bill"\nmsgstr "Үйлчлүүлэгчийн тооцоо"\n', 0),
        ('msgid "Customer"\nmsgstr "Харилцагч"\n', 2),
        ('msgid "Customers"\nmsgstr "Хүмүүс"\n', 1),
        ('#, fuzzy\nmsgid "Customer"\nmsgstr "Харилцагч"\n', 0),
        ('msgid "Accustomed"\nmsgstr "Дассан"\n', 0),
        ('msgid "Keys: With --json the keys are id and customer."\nmsgstr "Түлхүүр: id"\n', 0),
    ]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        gpath = os.path.join(tmp, 'g.tsv')
        with open(gpath, 'w', encoding='utf-8') as f:
            f.write(glossary)
        for i, (po, expected) in enumerate(cases, 1):
            ppath = os.path.join(tmp, f'{i}.po')
            with open(ppath, 'w', encoding='utf-8') as f:
                f.write('msgid ""\nmsgstr ""\n\n' + po)
            got = len(problems(read_po(ppath), read_glossary(gpath)))
            ok = got == expected
            failed += not ok
            print(f'{"ok" if ok else "not ok"} {i} - case {i}: {got} problems, expected {expected}')
    print(f'1..{len(cases)}')
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--po', default=os.path.join(HERE, 'mn.po'))
    parser.add_argument('--glossary', default=os.path.join(HERE, 'glossary-mn.tsv'))
    parser.add_argument('--selftest', action='store_true')
    args = parser.parse_args()
    if args.selftest:
        return selftest()
    found = problems(read_po(args.po), read_glossary(args.glossary))
    for p in found:
        print(p)
    if found:
        print(f'{len(found)} glossary problems in {args.po}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
