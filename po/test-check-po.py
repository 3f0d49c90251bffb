#!/usr/bin/env python3
# test-check-po.py: proves that check-po.py catches every kind of translation gap.
#
# Each case copies a small, fully translated tree (C file, GtkBuilder .ui file, GSettings
# schema, po/) into a temporary directory, breaks it in one way and runs check-po.py on it:
# the untouched tree must pass, every broken one must fail and name the offending string or
# file. Output is TAP, one line per case.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile

CHECK_PO = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check-po.py')

BASE = {
    'po/LINGUAS': 'mn\n',
    'po/POTFILES.in': ('# test tree\n'
                       'data/org.example.Test.gschema.xml\n'
                       'resources/ui/tb-test-window.ui\n'
                       'src/tb-test.c\n'),
    'src/tb-test.c': '''#include "config.h"
#include <glib/gi18n-lib.h>

const char *tb_test_labels (int n);

const char *
tb_test_labels (int n)
{
  g_print (_("Payment recorded: %s"), "12 500 ₮");
  g_print (ngettext ("%d open bill", "%d open bills", n), n);
  g_print ("%s", N_("QPay"));
  return C_("payment method", "Cash");
}
''',
    # Mentions of _() in comments and strings are not translatable strings.
    'src/tb-untranslated-helper.h': ('const char *tb_helper (void); /* returns N_("BILL") */\n'
                                     '#define TB_URL "https://example.org/_(\\"x\\")" // _("y")\n'),
    'resources/ui/tb-test-window.ui': '''<?xml version="1.0" encoding="UTF-8"?>
<interface>
  <template class="TbTestWindow" parent="GtkWindow">
    <property name="title" translatable="yes">Save</property>
    <child>
      <object class="GtkButton">
        <property name="label" translatable="yes" context="verb">Check</property>
      </object>
    </child>
  </template>
</interface>
''',
    'data/org.example.Test.gschema.xml': '''<?xml version="1.0" encoding="UTF-8"?>
<schemalist gettext-domain="tulbur">
  <schema id="org.example.Test" path="/org/example/Test/">
    <key name="receipt-paper" type="s">
      <default>'80'</default>
      <summary>Receipt paper</summary>
    </key>
  </schema>
</schemalist>
''',
    'po/mn.po': r'''msgid ""
msgstr ""
"Project-Id-Version: tulbur\n"
"PO-Revision-Date: 2026-11-21 12:00+0000\n"
"Last-Translator: Test\n"
"Language-Team: Mongolian\n"
"Language: mn\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#, c-format
msgid "Payment recorded: %s"
msgstr "Төлбөр бүртгэгдлээ: %s"

#, c-format
msgid "%d open bill"
msgid_plural "%d open bills"
msgstr[0] "%d нээлттэй нэхэмжлэх"
msgstr[1] "%d нээлттэй нэхэмжлэх"

msgid "QPay"
msgstr "QPay"

msgctxt "payment method"
msgid "Cash"
msgstr "Бэлэн мөнгө"

msgid "Save"
msgstr "Хадгалах"

msgctxt "verb"
msgid "Check"
msgstr "Шалгах"

msgid "Receipt paper"
msgstr "Баримтын цаас"
''',
}


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def edit(root, rel, old, new):
    path = os.path.join(root, rel)
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if old not in text:
        raise AssertionError(f'fixture {rel} lacks {old!r}')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text.replace(old, new, 1))


def add_c_line(root, line):
    edit(root, 'src/tb-test.c', '  return C_(', f'  {line}\n  return C_(')


# (name, mutation, expected exit status, text the report must contain)
CASES = [
    ('complete-tree-passes', lambda r: None, 0, 'OK: every string is translated'),
    ('new-c-string-without-translation',
     lambda r: add_c_line(r, 'g_print ("%s", _("Refund"));'),
     1, 'untranslated: "Refund"'),
    ('new-ui-string-without-translation',
     lambda r: edit(r, 'resources/ui/tb-test-window.ui', '</template>',
                    '  <property name="tooltip-text" translatable="yes">Cancel</property>\n'
                    '  </template>'),
     1, 'untranslated: "Cancel"'),
    ('new-schema-string-without-translation',
     lambda r: edit(r, 'data/org.example.Test.gschema.xml', '</key>',
                    '  <description>The paper receipts are laid out for.</description>\n'
                    '    </key>'),
     1, 'untranslated: "The paper receipts are laid out for."'),
    ('same-msgid-other-context-untranslated',
     lambda r: add_c_line(r, 'g_print ("%s", C_("bill status", "Cash"));'),
     1, 'untranslated: "bill status | Cash"'),
    ('ui-context-string-untranslated',
     lambda r: edit(r, 'po/mn.po', 'msgstr "Шалгах"', 'msgstr ""'),
     1, 'untranslated: "verb | Check"'),
    ('fuzzy-entry',
     lambda r: edit(r, 'po/mn.po', 'msgid "Save"', '#, fuzzy\nmsgid "Save"'),
     1, 'fuzzy (needs review): "Save"'),
    ('plural-form-missing',
     lambda r: edit(r, 'po/mn.po', 'msgstr[1] "%d нээлттэй нэхэмжлэх"', 'msgstr[1] ""'),
     1, 'untranslated: "%d open bill"'),
    ('latin-only-translation',
     lambda r: edit(r, 'po/mn.po', 'msgstr "Хадгалах"', 'msgstr "Save"'),
     1, 'translation has no Cyrillic letter: "Save"'),
    ('format-mismatch-caught-without-c-format-flag',
     lambda r: edit(r, 'po/mn.po', '#, c-format\nmsgid "Payment recorded: %s"\n'
                    'msgstr "Төлбөр бүртгэгдлээ: %s"',
                    'msgid "Payment recorded: %s"\nmsgstr "Төлбөр бүртгэгдлээ: %d"'),
     1, '%-directives differ from the source: "Payment recorded: %s"'),
    ('file-with-strings-not-in-potfiles',
     lambda r: write(r, 'src/tb-other.c', 'const char *s (void) { return _("Void"); }\n'),
     1, 'src/tb-other.c has translatable strings but is not listed'),
    ('potfiles-entry-missing-on-disk',
     lambda r: edit(r, 'po/POTFILES.in', 'src/tb-test.c\n', 'src/tb-test.c\nsrc/tb-gone.c\n'),
     1, 'src/tb-gone.c does not exist'),
    ('gint64-format-macro-in-msgid',
     lambda r: add_c_line(r, 'g_print (_("No bill %" G_GINT64_FORMAT "."), (gint64) 1);'),
     1, 'untranslatable format string'),
    ('language-without-catalogue',
     lambda r: os.remove(os.path.join(r, 'po', 'mn.po')),
     1, 'mn.po: missing'),
    ('header-without-language',
     lambda r: edit(r, 'po/mn.po', '"Language: mn\\n"\n', ''),
     1, 'header lacks "Language: mn"'),
]


def main():
    if any(shutil.which(tool) is None for tool in ('xgettext', 'msgmerge', 'msgfmt')):
        print('1..0 # SKIP gettext tools are not installed')
        return 0

    print(f'1..{len(CASES)}')
    failed = 0
    with tempfile.TemporaryDirectory(prefix='tulbur-po-test-') as tmp:
        base = os.path.join(tmp, 'base')
        for rel, text in BASE.items():
            write(base, rel, text)
        for number, (name, mutate, want_rc, want_text) in enumerate(CASES, start=1):
            root = os.path.join(tmp, name)
            shutil.copytree(base, root)
            mutate(root)
            result = subprocess.run([sys.executable, CHECK_PO, '--source-root', root],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    universal_newlines=True)
            ok = result.returncode == want_rc and want_text in result.stdout
            if not ok:
                failed += 1
                print(f'not ok {number} - {name}')
                print(f'# expected exit {want_rc} and "{want_text}", '
                      f'got exit {result.returncode}:')
                for line in result.stdout.splitlines():
                    print(f'#   {line}')
            else:
                print(f'ok {number} - {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
