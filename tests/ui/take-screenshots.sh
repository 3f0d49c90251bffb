#!/bin/bash
# take-screenshots.sh: the main window in English and Mongolian, as in README.md.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/ui/take-screenshots.sh OUTDIR
# Builds a throwaway copy of the app with its locale directory in a temporary prefix (so the
# Mongolian catalogue compiled from po/mn.po is found without installing
# anything), fills a demo ledger, opens one bill with the keyboard (Ctrl+F, its number,
# Enter) and takes the window (only the window: Flathub's screenshot guidelines) with
# ImageMagick's `import` under Xvfb.
# The desk is set up like a real one, so there is no demo banner: QPay sandbox settings in a
# throwaway GSettings keyfile and a made-up client secret served by tb-ui-fake-keyring, a
# Secret Service in the screenshot's own D-Bus session. The app itself is not told anything.
# Needs: meson, ninja, msgfmt, xvfb-run, dbus-run-session, xdotool, import, localedef.
set -euo pipefail

out=$(realpath "${1:?usage: $0 OUTDIR}")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/tulbur-shots-XXXXXX)
trap 'rm -rf "$work"' EXIT

meson setup "$work/build" "$src" --prefix="$work/prefix" >/dev/null
ninja -C "$work/build" src/ui/tulbur tests/ui/tb-ui-demo-ledger tests/ui/tb-ui-fake-keyring \
  data/gschemas.compiled >/dev/null

# The Mongolian catalogue, from the project's mn.po.
mkdir -p "$work/prefix/share/locale/mn/LC_MESSAGES"
msgfmt -o "$work/prefix/share/locale/mn/LC_MESSAGES/tulbur.mo" "$src/po/mn.po"

# A UTF-8 locale that is not C, so that LANGUAGE is honoured.
mkdir -p "$work/locale"
localedef -i en_US -f UTF-8 "$work/locale/en_US.UTF-8" 2>/dev/null || true

# A configured sandbox desk (GSETTINGS_BACKEND=keyfile reads this file).
mkdir -p "$work/config/glib-2.0/settings"
cat > "$work/config/glib-2.0/settings/keyfile" <<KEYFILE
[io/github/tulbur/Tulbur]
qpay-environment='sandbox'
qpay-client-id='FRONT_DESK'
qpay-invoice-code='FRONT_DESK_INVOICE'
KEYFILE

shoot () {
  local name=$1 language=$2
  local db="$work/$name.db"
  local bill
  bill=$("$work/build/tests/ui/tb-ui-demo-ledger" "$db")
  cat > "$work/run-$name.sh" <<SCRIPT
set -e
export GSETTINGS_SCHEMA_DIR="$work/build/data" GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config"
export GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=none GDK_BACKEND=x11
export LOCPATH="$work/locale" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 LANGUAGE=$language
export TULBUR_DB="$db" TZ=Asia/Ulaanbaatar
coproc keyring { "$work/build/tests/ui/tb-ui-fake-keyring" not-a-real-secret; }
read -r ready <&"\${keyring[0]}"
"$work/build/src/ui/tulbur" &
pid=\$!
sleep 2
win=\$(xdotool search --sync --onlyvisible --name Tulbur | head -1)
xdotool windowsize \$win 1280 1000
xdotool mousemove 600 400
sleep 0.5
# Open the bill the keyboard way, then clear the search so the list shows the open bills.
xdotool key ctrl+f
xdotool type --delay 30 "$bill"
xdotool key Return
sleep 0.5
xdotool key ctrl+f Escape
# Scroll the bill down to its totals and the payment panel.
xdotool mousemove 800 500 click --repeat 6 --delay 50 5
sleep 1.5
import -window \$win "$out/$name.png"
kill \$pid \$keyring_PID
wait \$pid 2>/dev/null || true
SCRIPT
  dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24' bash "$work/run-$name.sh" 2>/dev/null
}

mkdir -p "$out"
shoot main-window en
shoot main-window-mn mn
echo "Wrote $out/main-window.png and $out/main-window-mn.png"
