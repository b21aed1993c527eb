#!/usr/bin/env bash
# End-to-end check of the terminal UI in a real terminal: runs vxshark on the Cilium sample in
# a detached tmux session (120x40), sends keys, reads the screen with capture-pane and greps it.
# Exits 0 when every check passes, 1 on the first failure (printing the screen), 2 when tmux
# is missing. The command can be overridden with VXSHARK_UI_CMD (run from the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v tmux >/dev/null 2>&1 || { echo "tui-e2e: tmux is not installed" >&2; exit 2; }

SAMPLE=samples/cilium-vxlan-8472.pcap
CMD=${VXSHARK_UI_CMD:-"node bin/vxshark.js $SAMPLE"}
if [[ -z ${VXSHARK_UI_CMD:-} ]]; then
  # bin/vxshark.js runs dist/: build when it is missing or older than the sources.
  if [[ ! -f dist/cli/vxshark.mjs ]] || [[ -n $(find src -name '*.ts' -newer dist/cli/vxshark.mjs -print -quit) ]]; then
    node scripts/build.mjs >/dev/null || true
  fi
fi

SOCKET="vxshark-e2e-$$"
T=(tmux -L "$SOCKET" -f /dev/null)
# The UI saves settings (recent filters, columns): into a throwaway directory, not the user's.
SETTINGS=$(mktemp -d)
cleanup() {
  "${T[@]}" kill-server >/dev/null 2>&1 || true
  rm -rf "$SETTINGS"
}
trap cleanup EXIT

"${T[@]}" new-session -d -s e2e -x 120 -y 40 \
  "env XDG_CONFIG_HOME=$SETTINGS TERM=xterm-256color LANG=C.UTF-8 $CMD; echo VXSHARK_EXIT=\$?; sleep 30"

screen() { "${T[@]}" capture-pane -p -t e2e; }
fail() {
  echo "tui-e2e: FAIL: $1" >&2
  echo "----- screen -----" >&2
  screen >&2 || true
  exit 1
}
# wait_for PATTERN [SECONDS]: polls the screen until grep -E finds PATTERN.
wait_for() {
  local pattern=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    if screen | grep -qE -- "$pattern"; then return 0; fi
    sleep 0.05
  done
  fail "timed out waiting for: $pattern"
}
expect() { screen | grep -qE -- "$1" || fail "expected: $1"; }
reject() { ! screen | grep -qE -- "$1" || fail "did not expect: $1"; }
keys() { "${T[@]}" send-keys -t e2e "$@"; sleep 0.15; }
text() { "${T[@]}" send-keys -t e2e -l "$1"; sleep 0.15; }

# 1. The packet list: outer and inner headers side by side, 8472 decoded as VXLAN.
wait_for 'Outer src → dst +Tunnel +Source → Destination'
expect '^ +3 [0-9.]+ 192\.168\.10\.100 → 192\.168\.20\.100 VXLAN 32001 +172\.20\.0\.10 +→ 172\.20\.2\.30 +ICMP'
expect '36 packets'
reject 'Terminfo|WARNING'

# 2. The detail tree of frame 3, VXLAN expanded.
keys j j Tab
wait_for 'Details of frame 3'
keys j j j j Enter
wait_for 'VXLAN Network Identifier \(VNI\): 32001'
keys j j j
wait_for 'Bytes: vxlan\.vni at offset 46, 3 bytes'

# 3. A display filter, validated as it is typed, applied with Enter.
keys BTab
keys /
text 'vxlan.vni == 45678'
wait_for '✓ Filter: vxlan\.vni == 45678'
keys Enter
wait_for 'filter matched [0-9]+ of 36 packets'
expect '^ +2 [0-9.]+ 192\.168\.20\.100 → 192\.168\.10\.100 VXLAN 45678'
reject '^ +3 [0-9.]+ 192\.168\.10\.100'
keys / C-u
text 'vxlan.vnx'
wait_for '✗ Filter: .*unknown field "vxlan\.vnx"'
keys Escape
sleep 0.2

# 4. The other views.
keys 2
wait_for 'Encapsulation overhead: Ethernet 14 \+ IPv4 20 \+ UDP 8 \+ VXLAN 8 = 50 bytes'
keys 3
wait_for 'Statistics \[Protocol hierarchy\]'
# The statistics follow the display filter still applied.
wait_for '14 of 36 packets, display filter: vxlan\.vni == 45678'
wait_for '^ Ethernet +14 100\.0%'
keys Tab
wait_for '^ 192\.168\.10\.100 +192\.168\.20\.100 +14 '
keys 1 '?'
wait_for 'vxshark keys'
keys Escape
sleep 0.2
keys ':'
text 'goto 30'
keys Enter
sleep 0.2

# 4b. Follow stream: the HTTP exchange inside VXLAN as text, then hex; Esc goes back.
keys / C-u Enter
sleep 0.2
keys ':'
text 'goto 18'
keys Enter
wait_for 'Details of frame 18'
keys f
wait_for 'Follow TCP stream 172\.20\.0\.10:48312 ⇄ 172\.20\.2\.30:80'
wait_for '→ GET / HTTP/1\.1'
wait_for '← HTTP/1\.1 200 OK'
keys Tab
wait_for '→ 00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1\.1\.\.'
keys Escape
wait_for 'Details of frame 18'
reject 'Follow TCP stream'

# 5. Quit: the shell prints the exit status once the terminal is back.
keys q
wait_for 'VXSHARK_EXIT=0'
reject 'Outer src → dst'

# 6. 80x24 on the router's `tcpdump -i any`: priority columns, the legend, the status bar's
#    view and help, search with Ctrl-F and n.
"${T[@]}" kill-session -t e2e
LAB=samples/lab-recordings
"${T[@]}" new-session -d -s e2e -x 80 -y 24 \
  "env XDG_CONFIG_HOME=$SETTINGS TERM=xterm-256color LANG=C.UTF-8 node bin/vxshark.js --ip-link $LAB/native-router.ip-link.txt $LAB/native-router-any.pcap; echo VXSHARK_EXIT=\$?; sleep 30"
wait_for 'If/Dir Source → Destination'
wait_for '\[1 Packets: list\]  \? help'
wait_for '!4 [0-9.]+ eth1 ▸ 172\.20\.0\.10 → 172\.20\.2\.30 ICMP'
wait_for '▸ ?in +◂ ?out +B bcast +↪ ?copy'
keys C-f
wait_for '^Search packets:'
text 'SYN'
keys Enter
wait_for '"SYN" found in frame 12'
keys n
wait_for '"SYN" found in frame 13'
keys 3
wait_for '^ SLL2 +15 100\.0% +1,184 100\.0%'
keys 7
wait_for 'Evidence: 5 seen, 10 frames \(n / N\)'
keys q
wait_for 'VXSHARK_EXIT=0'

# 7. Live input from a pipe: alerts appear while the capture still arrives, and the list
#    says it follows the newest packet.
"${T[@]}" kill-session -t e2e
PIPE_SRC=samples/router-interfaces.pcapng
CUT=$(node -e '
  const b = require("fs").readFileSync(process.argv[1]); let off = 0, n = 0;
  while (off < b.length && n < 20) { if (b.readUInt32LE(off) === 6) n++; off += b.readUInt32LE(off + 4); }
  console.log(off);' "$PIPE_SRC")
"${T[@]}" new-session -d -s e2e -x 100 -y 30 \
  "(head -c $CUT $PIPE_SRC; sleep 6; tail -c +$((CUT + 1)) $PIPE_SRC) | env XDG_CONFIG_HOME=$SETTINGS TERM=xterm-256color LANG=C.UTF-8 node bin/vxshark.js -; echo VXSHARK_EXIT=\$?; sleep 30"
wait_for 'standard input │ reading… 20 packets │ ✖ [1-9]' 5
expect 'following'
wait_for '24 packets │ ✖ 2 ⚠ 3 ℹ 0' 15
keys q
wait_for 'VXSHARK_EXIT=0'
echo "tui-e2e: ok"
