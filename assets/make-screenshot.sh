#!/usr/bin/env bash
# Makes assets/dashboard.png from a real run: jamtui in tmux at 120x40 with real clients,
# captured with its colours (tmux capture-pane -e), turned into HTML (aha), shot with headless
# Chromium. Needs: apt-get install tmux aha chromium fonts-dejavu-core; a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./target/release/jamtui
work=$(mktemp -d)
socket=jamtui-screenshot-$$
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 "$bin --bind 127.0.0.1 --port 0 --tz Asia/Jakarta"
sleep 1
port=$(tmux -L "$socket" capture-pane -p | grep -o 'listening 127.0.0.1:[0-9]*' | head -1 | cut -d: -f2)
# README.md's "Demo in class", step 2, then students' clients that connect for every request.
"$bin" client --port "$port" --clients 5 --interval 500ms --keep-open >/dev/null 2>&1 &
sleep 3
"$bin" client --port "$port" --clients 10 --interval 100ms --count 50 >/dev/null 2>&1 &
sleep 7
"$bin" client --port "$port" --clients 2 --interval 250ms >/dev/null 2>&1 &
sleep 3
tmux -L "$socket" send-keys Down Down
sleep 0.3
tmux -L "$socket" capture-pane -e -p > "$work/screen.ansi"

aha --black --title jamtui < "$work/screen.ansi" \
    | sed "s#<pre>#<pre style=\"font-family: 'DejaVu Sans Mono', monospace; font-size: 14px; line-height: 1.0; margin: 8px;\">#" \
    > "$work/screen.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size=1030,590 \
    --screenshot="$PWD/assets/dashboard.png" "file://$work/screen.html" 2>/dev/null
echo "wrote assets/dashboard.png"
