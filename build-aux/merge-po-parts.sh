#!/usr/bin/env bash
# Merges translation fragments (po/parts/*.po, *.files) written beside a change into
# po/mn.po and po/POTFILES.in, then shows what check-po.py still finds missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{ grep '^#' po/POTFILES.in; { grep -v '^#' po/POTFILES.in; cat po/parts/*.files 2>/dev/null; printf '%s\n' "$@"; } \
    | sed '/^\s*$/d' | sort -u; } > "$tmp/POTFILES.in"
# Keep only files that exist.
while read -r line; do
  case "$line" in \#*) echo "$line";; *) [ -f "$line" ] && echo "$line";; esac
done < "$tmp/POTFILES.in" > po/POTFILES.in

header='msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
'
parts=()
for p in po/parts/*.po; do
  [ -f "$p" ] || continue
  { printf '%s\n' "$header"; grep -v '^#, fuzzy' "$p" | sed '1{/^msgid ""$/,/^$/d}'; } > "$tmp/$(basename "$p")"
  parts+=("$tmp/$(basename "$p")")
done
if [ ${#parts[@]} -gt 0 ]; then
  msgcat --use-first -o "$tmp/mn.po" po/mn.po "${parts[@]}"
  cp "$tmp/mn.po" po/mn.po
fi
python3 po/check-po.py --source-root . || true
