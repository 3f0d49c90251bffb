#!/usr/bin/env python3
# check-po.py: fail when a translatable string has no finished translation.
#
# For every language in po/LINGUAS this extracts the current strings from the files in
# po/POTFILES.in (xgettext, same keywords as meson's 'glib' preset), merges them into a copy of
# po/<lang>.po (msgmerge; the real file is never touched) and fails, naming each msgid, when a
# message is untranslated or fuzzy, when a translation has no Cyrillic letter although its
# English has words that are not proper nouns, or when msgfmt --check rejects the catalogue.
# It also fails when a file under src/, resources/ or data/ has translatable strings but is in
# neither POTFILES.in nor POTFILES.skip, since xgettext would never see those strings.
#
# Usage: check-po.py --source-root DIR [--po-dir DIR]. Exit status: 0 all good, 1 problems
# found, 77 (meson's "skip") when the gettext tools are not installed.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Words that stay in Latin script in a translation: product and service names, codes and
# units that Mongolian text writes the same way. A msgstr may lack Cyrillic only when its msgid
# has no letters left once these, format directives and URLs are removed.
PROPER_NOUNS = [
    'Tulbur', 'QPay', 'Ebarimt', 'PosAPI', 'KHQR', 'Bakong', 'GNOME', 'SQLite',
    'MNT', 'KHR', 'USD', 'QR', 'URL', 'ID', 'PDF', 'CSV', 'A4', 'TLS', 'HTTP', 'HTTPS',
]

XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=ngettext:1,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_prefix_error:2:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

# Where translatable files live, and how to tell that a file has translatable strings.
SCAN_DIRS = ['src', 'resources', 'data']
C_STRING_RE = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext)\s*\(\s*"'
                         r'|(?<![A-Za-z0-9_])g_d(?:c|n|p)gettext2?\s*\(')
# Comments are dropped before C_STRING_RE looks ("/* N_("BILL") */" is not a string), string
# and character literals are kept whole so that "http://" does not start a comment.
C_COMMENT_RE = re.compile(r'("(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\')'
                          r'|/\*.*?\*/|//[^\n]*', re.S)
UI_STRING_RE = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
SCHEMA_STRING_RE = re.compile(r'<(?:summary|description)\b')

CYRILLIC_RE = re.compile('[\u0400-\u04ff]')
LETTER_RE = re.compile(r'[^\W\d_]')
FORMAT_RE = re.compile(r"%(?:\d+\$)?[-+ #0'I]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                       r'(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspn%]'
                       r'|%(?:\d+\$)?[-+ #0]*(?:G_G?U?INT64_FORMAT|G_GSIZE_FORMAT|G_GSSIZE_FORMAT)'
                       r'|<[^>]*>|https?://\S+')
PROPER_NOUN_RE = re.compile(r'(?<![A-Za-z])(?:' + '|'.join(map(re.escape, PROPER_NOUNS))
                            + r')(?![A-Za-z])')

TOOLS = ('xgettext', 'msgmerge', 'msgfmt')


class Entry:
    def __init__(self):
        self.flags = set()
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.obsolete = False

    def label(self):
        text = self.msgid if self.msgctxt is None else f'{self.msgctxt}\u0004{self.msgid}'
        shown = text.replace('\u0004', ' | ').replace('\n', '\\n')
        return f'"{shown}"'


def unescape(text):
    escapes = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
               'f': '\f', 'v': '\v'}
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            out.append(escapes.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def parse_po(path):
    """A small PO reader: enough for the files xgettext/msgmerge write."""
    entries = []
    entry = Entry()
    field = None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry = Entry()
        field = None

    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.rstrip('\n')
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
                if line.startswith('|'):
                    continue
            if not line.strip():
                finish()
                continue
            if line.startswith('#,'):
                if entry.msgid is not None:
                    finish()
                entry.flags.update(flag.strip() for flag in line[2:].split(','))
                continue
            if line.startswith('#'):
                if entry.msgid is not None and field != 'comment':
                    finish()
                continue
            entry.obsolete = entry.obsolete or obsolete
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$',
                             line)
            if match:
                keyword, index, value = match.group(1), match.group(2), unescape(match.group(3))
                if keyword == 'msgctxt' or (keyword == 'msgid' and entry.msgstr):
                    if entry.msgid is not None:
                        finish()
                if keyword == 'msgctxt':
                    entry.msgctxt = value
                    field = ('msgctxt', None)
                elif keyword == 'msgid':
                    entry.msgid = value
                    field = ('msgid', None)
                elif keyword == 'msgid_plural':
                    entry.msgid_plural = value
                    field = ('msgid_plural', None)
                else:
                    key = int(index) if index is not None else 0
                    entry.msgstr[key] = value
                    field = ('msgstr', key)
                continue
            match = re.match(r'^"(.*)"\s*$', line)
            if match and field:
                value = unescape(match.group(1))
                name, key = field
                if name == 'msgstr':
                    entry.msgstr[key] += value
                else:
                    setattr(entry, name, getattr(entry, name) + value)
                continue
            raise ValueError(f'{path}: cannot parse line: {raw.rstrip()}')
    finish()
    return entries


def read_list(path):
    if not os.path.exists(path):
        return []
    names = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#') and not line.startswith('['):
                names.append(line)
    return names


def has_strings(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError:
        return False
    name = os.path.basename(path)
    if name.endswith(('.c', '.h')):
        code = C_COMMENT_RE.sub(lambda m: m.group(1) or ' ', text)
        return bool(C_STRING_RE.search(code))
    if name.endswith('.ui'):
        return bool(UI_STRING_RE.search(text))
    if name.endswith('.gschema.xml'):
        return bool(SCHEMA_STRING_RE.search(text))
    if re.search(r'\.(desktop|metainfo\.xml|appdata\.xml)\.in(\.in)?$', name):
        return True
    return False


def unlisted_files(root, listed):
    found = []
    for top in SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, '/')
                if rel not in listed and has_strings(path):
                    found.append(rel)
    return found


def needs_cyrillic(msgid):
    stripped = PROPER_NOUN_RE.sub('', FORMAT_RE.sub('', msgid))
    return bool(LETTER_RE.search(stripped))


def check_header(lang, entries, problems):
    header = next((e for e in entries if e.msgid == '' and e.msgctxt is None), None)
    if header is None:
        problems.append(f'{lang}.po: no header entry')
        return
    text = header.msgstr.get(0, '')
    if not re.search(rf'^Language: {re.escape(lang)}$', text, re.M):
        problems.append(f'{lang}.po: header lacks "Language: {lang}"')
    if 'charset=UTF-8' not in text:
        problems.append(f'{lang}.po: header must declare charset=UTF-8')
    if not re.search(r'^Plural-Forms: nplurals=\d+; plural=.+;$', text, re.M):
        problems.append(f'{lang}.po: header lacks a Plural-Forms line')


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kwargs)


def check_language(lang, po_dir, pot, tmp, problems):
    po = os.path.join(po_dir, f'{lang}.po')
    if not os.path.exists(po):
        problems.append(f'{lang}.po: missing (the language is in LINGUAS)')
        return

    result = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po])
    print(f'{lang}.po: {result.stderr.strip()}')
    if result.returncode != 0:
        problems.append(f'{lang}.po: msgfmt --check failed')

    check_header(lang, parse_po(po), problems)

    merged = os.path.join(tmp, f'{lang}.merged.po')
    # No fuzzy matching: a new string is reported as untranslated, not as a guess to review.
    result = run(['msgmerge', '--quiet', '--no-wrap', '--no-fuzzy-matching', '-o', merged, po,
                  pot])
    if result.returncode != 0:
        problems.append(f'{lang}.po: msgmerge failed: {result.stderr.strip()}')
        return
    # The merged copy carries the c-format flags from the sources, so this also catches a
    # translation whose directives differ when the hand-edited .po lost its "#, c-format".
    result = run(['msgfmt', '--check', '-o', os.devnull, merged])
    if result.returncode != 0:
        problems.append(f'{lang}.po: msgfmt --check of the merged catalogue failed:\n'
                        + result.stderr.strip())

    entries = [e for e in parse_po(merged) if not e.obsolete and e.msgid != '']
    finished = {(e.msgctxt, e.msgid) for e in parse_po(po)
                if not e.obsolete and 'fuzzy' not in e.flags and all(e.msgstr.values())}
    for entry in entries:
        strings = [entry.msgstr.get(i, '') for i in sorted(entry.msgstr)] or ['']
        if any(s == '' for s in strings):
            problems.append(f'{lang}.po: untranslated: {entry.label()}')
        elif 'fuzzy' in entry.flags and (entry.msgctxt, entry.msgid) in finished:
            # msgmerge marks a finished translation fuzzy when its directives do not match.
            problems.append(f'{lang}.po: %-directives differ from the source: {entry.label()}')
        elif 'fuzzy' in entry.flags:
            problems.append(f'{lang}.po: fuzzy (needs review): {entry.label()}')
        elif needs_cyrillic(entry.msgid + ' ' + (entry.msgid_plural or '')) \
                and not all(CYRILLIC_RE.search(s) for s in strings):
            problems.append(f'{lang}.po: translation has no Cyrillic letter: {entry.label()}')
    current = {(e.msgctxt, e.msgid) for e in entries}
    stale = [e for e in parse_po(po) if not e.obsolete and e.msgid != ''
             and (e.msgctxt, e.msgid) not in current]
    for entry in stale:
        # Not an error: another engineer's strings may be merged before their files are listed.
        print(f'{lang}.po: note: not in the sources (yet?): {entry.label()}')
    print(f'{lang}.po: {len(entries)} messages in the sources')


def main():
    parser = argparse.ArgumentParser(description='Check that every string is translated.')
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--po-dir')
    args = parser.parse_args()
    root = os.path.abspath(args.source_root)
    po_dir = os.path.abspath(args.po_dir or os.path.join(root, 'po'))

    missing_tools = [t for t in TOOLS if shutil.which(t) is None]
    if missing_tools:
        print(f'skipping: {", ".join(missing_tools)} not installed')
        return 77

    problems = []
    potfiles = read_list(os.path.join(po_dir, 'POTFILES.in'))
    skipped = read_list(os.path.join(po_dir, 'POTFILES.skip'))
    for name in potfiles:
        if not os.path.isfile(os.path.join(root, name)):
            problems.append(f'POTFILES.in: {name} does not exist')
    for name in unlisted_files(root, set(potfiles) | set(skipped)):
        problems.append(f'POTFILES.in: {name} has translatable strings but is not listed')

    languages = read_list(os.path.join(po_dir, 'LINGUAS'))
    languages = [lang for line in languages for lang in line.split()]
    if not languages:
        problems.append('LINGUAS: no languages')

    existing = [name for name in potfiles if os.path.isfile(os.path.join(root, name))]
    with tempfile.TemporaryDirectory(prefix='tulbur-po-') as tmp:
        pot = os.path.join(tmp, 'tulbur.pot')
        files_from = os.path.join(tmp, 'POTFILES')
        with open(files_from, 'w', encoding='utf-8') as f:
            f.write(''.join(name + '\n' for name in existing))
        result = run(['xgettext', *XGETTEXT_ARGS, '--package-name=tulbur', '-D', root,
                      '-f', files_from, '-o', pot])
        if result.stderr.strip():
            print(result.stderr.strip())
        for line in result.stderr.splitlines():
            # e.g. _("No bill %" G_GINT64_FORMAT): the msgid stops at the macro, so the string
            # looked up at run time is never the one in the catalogue. Use "%" PRId64 instead,
            # which xgettext understands.
            if 'not a valid C format string' in line:
                problems.append(f'untranslatable format string: {line.strip()}')
        if result.returncode != 0:
            problems.append('xgettext failed')
        else:
            if not os.path.exists(pot):
                # xgettext writes nothing when there are no strings at all.
                with open(pot, 'w', encoding='utf-8') as f:
                    f.write('msgid ""\nmsgstr ""\n'
                            '"Content-Type: text/plain; charset=UTF-8\\n"\n')
            for lang in languages:
                check_language(lang, po_dir, pot, tmp, problems)

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f'FAIL: {len(problems)} translation problem(s)', file=sys.stderr)
        return 1
    print('OK: every string is translated')
    return 0


if __name__ == '__main__':
    sys.exit(main())
