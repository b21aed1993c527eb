# shellcheck shell=bash
# vxshark lab, the machinery: bookkeeping and cleanup, namespace and veth helpers, the workloads
# (HTTP server, ping, HTTP GET) and the recorders (tcpdump, dumpcap). Sourced by lab.sh, which
# defines the topology (N, POD_IP, ...) and the scenarios. Everything here acts only on what this
# run created.
# shellcheck disable=SC2016,SC2317 # scripts for bash -c take their arguments as $1..; cleanup runs from trap

# ---------------------------------------------------------------------------------------------
# Bookkeeping: what this run created, so that cleanup removes exactly that and nothing else.
PREFIX="vxl-$$-"
NETNS=()     # namespaces, in creation order
LINKS=()     # "netns|ifname" of every link created (one end of each veth pair is enough)
PIDS=()      # background processes started (tcpdump, HTTP servers)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vxshark-lab.XXXXXX")
CLEANED=0

running() { # pid: alive and not yet a zombie (kill -0 succeeds on zombies)
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && ${st:0:1} != Z ]]
}

stop_pid() { # pid [signal]: signal a process this script started and reap it
  local pid=$1 sig=${2:-TERM} i
  if running "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      running "$pid" || break
      sleep 0.05
    done
    if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  wait "$pid" 2>/dev/null || true
}

teardown() { # kill our processes, delete our links and namespaces
  local pid i entry left
  # Our background processes: those recorded, and any job of this shell started but not yet
  # recorded when a signal came.
  for pid in "${PIDS[@]}" $(jobs -p); do stop_pid "$pid"; done
  PIDS=()
  for ((i = ${#LINKS[@]} - 1; i >= 0; i--)); do
    entry=${LINKS[i]}
    ip -n "${entry%%|*}" link del dev "${entry#*|}" 2>/dev/null || true
  done
  LINKS=()
  for ((i = ${#NETNS[@]} - 1; i >= 0; i--)); do
    left=$(ip netns pids "${NETNS[i]}" 2>/dev/null | tr '\n' ' ') || true
    [[ -z $left ]] || log "warning: processes still in ${NETNS[i]}: $left(left alone)"
    ip netns del "${NETNS[i]}" 2>/dev/null || true
  done
  NETNS=()
}

cleanup() {
  local status=$?
  ((CLEANED)) && return
  CLEANED=1
  trap - EXIT INT TERM
  teardown
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Small helpers. All of them act inside namespaces created by this script only.
# Background processes are started with a plain `ip netns exec ... &` (which execs the command),
# never through a shell function: `func &` forks a subshell and $! would not be the process.
nsx() { # netns command...: run in a namespace
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

ns_sysctl() { # netns key value (net.* keys are per namespace)
  local path=/proc/sys/${2//.//}
  [[ -e $path ]] || return 0 # e.g. IPv6 compiled out
  nsx "$1" bash -c 'echo "$1" > "$2"' _ "$3" "$path"
}

# Everything is registered before it is created: a signal between the two must not leak it.
ns_add() { # netns
  NETNS+=("$1")
  ip netns add "$1"
  # No IPv6: no router solicitations, MLD or DAD packets in the recordings.
  ns_sysctl "$1" net.ipv6.conf.all.disable_ipv6 1
  ns_sysctl "$1" net.ipv6.conf.default.disable_ipv6 1
  # Like a distribution default it does not matter here, but strict reverse-path filtering would
  # drop the misrouted pod packets on the router before they can be seen leaving on eth0.
  ns_sysctl "$1" net.ipv4.conf.all.rp_filter 0
  ns_sysctl "$1" net.ipv4.conf.default.rp_filter 0
  ip -n "$1" link set lo up
}

HAVE_ETHTOOL=0
if command -v ethtool >/dev/null; then
  HAVE_ETHTOOL=1
else
  log "note: no ethtool: checksum offload stays on, so TCP checksums (inner ones in the tunnel"
  log "      scenarios) will look wrong in the recordings (apt-get install -y ethtool)"
fi

veth() { # nsA ifA nsB ifB [mtu]: a veth pair, one end in each namespace, both up
  local mtu=${5:-1500}
  # gso_max_segs 1: TCP hands one MSS at a time to the device, so the recordings show wire-sized
  # frames (as on the workshop's router) rather than 64 KB GSO super-packets.
  LINKS+=("$1|$2")
  ip -n "$1" link add name "$2" mtu "$mtu" gso_max_segs 1 type veth \
    peer name "$4" netns "$3" mtu "$mtu" gso_max_segs 1
  if ((HAVE_ETHTOOL)); then
    # No checksum offload: veth would otherwise pass TCP packets on with their checksum left to
    # "hardware" (CHECKSUM_PARTIAL), and every inner TCP checksum in the recordings would look
    # wrong. And no GRO/GSO/TSO at all.
    nsx "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
    nsx "$3" ethtool -K "$4" tx off tso off gso off gro off >/dev/null 2>&1 || true
  fi
  ip -n "$1" link set "$2" up
  ip -n "$3" link set "$4" up
}

# ---------------------------------------------------------------------------------------------
# Workloads: an HTTP server in the pods that serve (the worker pods; the k8s-ctr pod too in the
# scenarios where a worker downloads from it), clients run with ping and curl.
make_webroot() { # bytes: index.html and a download.bin of that size, in $WEBROOT
  local i
  WEBROOT=$WORK/www
  mkdir -p "$WEBROOT"
  printf '<html><body>webpod (vxshark lab)</body></html>\n' >"$WEBROOT/index.html"
  for ((i = 0; i * 64 < $1; i++)); do # 64-byte lines of readable text
    printf 'vxshark lab download, line %06d: the quick brown fox jumps ov\n' "$i"
  done >"$WORK/lines"
  head -c "$1" "$WORK/lines" >"$WEBROOT/download.bin" # no pipe: no SIGPIPE under pipefail
}

PYTHON=
if command -v python3 >/dev/null; then
  PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PYTHON=
fi

start_http() { # node: webpod on port 80 in that node's pod
  local ns ip=${POD_IP[$1]} pid i
  ns=$(N "pod-$1")
  if [[ -n $PYTHON ]]; then
    # Real interpreter path (not a pyenv shim), so that $! is the server itself.
    ip netns exec "$ns" "$PYTHON" -m http.server 80 --bind "$ip" --directory "$WEBROOT" \
      >"$WORK/http-$1.log" 2>&1 &
  elif command -v nc >/dev/null; then
    # One response per connection (the download for every path); needs netcat-openbsd (-N) or a
    # netcat with the same flags. On SIGTERM the loop takes its listening nc with it.
    ip netns exec "$ns" bash -c 'f=$1; n=$(wc -c <"$f"); nc=
      trap '\''[[ -n $nc ]] && kill "$nc" 2>/dev/null; exit 0'\'' TERM
      while :; do
        { printf "HTTP/1.0 200 OK\r\nContent-Length: %s\r\nConnection: close\r\n\r\n" "$n"; cat "$f"; } |
          nc -N -l "$2" 80 >/dev/null &
        nc=$!
        wait "$nc" || sleep 0.1
      done' _ "$WEBROOT/download.bin" "$ip" >"$WORK/http-$1.log" 2>&1 &
  else
    die "needs python3 (or nc) for the HTTP server in the worker pods"
  fi
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || die "HTTP server in $ns did not start: $(cat "$WORK/http-$1.log")"
    if command -v ss >/dev/null; then
      [[ -n $(nsx "$ns" ss -Hltn "sport = :80") ]] && return 0
    elif ((i >= 10)); then
      return 0
    fi
    sleep 0.1
  done
  die "HTTP server in $ns is not listening"
}

ping_pod() { # from-node to-ip: 3 echoes; failure (no answer) is expected in Act 1
  local ns
  ns=$(N "pod-$1")
  if command -v ping >/dev/null; then
    nsx "$ns" ping -n -c 3 -i 0.2 -W 1 "$2" 2>&1 | sed -n 's/^/    /;/transmitted/p' >&2 || true
  elif [[ -n $PYTHON ]]; then
    # ICMP echo from a raw socket, for machines without ping.
    nsx "$ns" "$PYTHON" - "$2" <<'PY' || true
import os, select, socket, struct, sys, time
dst = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
def csum(b):
    b += b'\0' * (len(b) % 2)
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
ident, got = os.getpid() & 0xffff, 0
for seq in range(1, 4):
    data = bytes(range(56))
    hdr = struct.pack('!BBHHH', 8, 0, 0, ident, seq)
    s.sendto(struct.pack('!BBHHH', 8, 0, csum(hdr + data), ident, seq) + data, (dst, 0))
    end = time.time() + 1
    while time.time() < end:
        if select.select([s], [], [], max(0, end - time.time()))[0]:
            p = s.recv(2048); ihl = (p[0] & 15) * 4
            if p[ihl] == 0 and struct.unpack('!H', p[ihl + 4:ihl + 6])[0] == ident:
                got += 1; break
    time.sleep(0.2)
print('    3 packets transmitted, %d received (python raw socket)' % got, file=sys.stderr)
PY
  else
    log "no ping and no python3: skipping ICMP"
  fi
}

http_get() { # from-node to-ip path [max-seconds]: one HTTP GET; failure is reported, not fatal
  local ns out max=${4:-5}
  ns=$(N "pod-$1")
  if command -v curl >/dev/null; then
    out=$(nsx "$ns" curl -sS -o /dev/null --connect-timeout 2 --max-time "$max" \
      -w 'HTTP %{http_code}, %{size_download} bytes' "http://$2$3" 2>&1) || true
    out=${out//$'\n'/; }
  else
    out=$(nsx "$ns" timeout "$max" bash -c 'exec 3<>"/dev/tcp/$1/80" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$1" >&3
      n=$(cat <&3 | wc -c); echo "$n bytes (bash /dev/tcp)"' _ "$2" "$3" 2>&1) || out="no answer"
  fi
  printf '    GET http://%s%s -> %s\n' "$2" "$3" "$out" >&2
}

# ---------------------------------------------------------------------------------------------
# Recording.
# Recorders are started together and waited for together (each takes a moment to open its ring):
# the traffic starts only once every one of them says it is capturing.
start_capture() { # netns iface file: tcpdump with -U
  local ns=$1 iface=$2 file=$3 err
  err="$WORK/tcpdump-${file##*/}.log"
  # --immediate-mode: without it libpcap's TPACKET_V3 ring hands packets over a block at a time
  # (up to a second late) and whatever is still in the ring at SIGINT is lost; -U then writes
  # each packet as it comes. Immediate mode uses a ring of fixed slots of snaplen bytes: with the
  # default snaplen (262144) a 2 MB ring holds 8 packets and bursts are silently lost, so -s 4096
  # (frames here are at most 1514 bytes: no GSO, see veth) and -B 8192 (KiB) give ~2000 slots.
  # -Z root: Debian's tcpdump would otherwise switch to user tcpdump before creating the file
  # (and fail in a root-owned OUTDIR).
  ip netns exec "$ns" tcpdump -i "$iface" -n -U --immediate-mode -s "$SNAPLEN" -B 8192 -Z root \
    -c "$CAPTURE_MAX" -w "$file" 2>"$err" &
  PIDS+=("$!")
  CAPTURES+=("$!|$err|listening on|tcpdump -i $iface in $ns")
}

start_dumpcap() { # netns file iface...: dumpcap (pcapng)
  local ns=$1 file=$2 err i args=()
  shift 2
  for i in "$@"; do args+=(-i "$i"); done
  err="$WORK/dumpcap-${file##*/}.log"
  # pcapng is dumpcap's default: `-i any` gives one interface named "any" with LINKTYPE_LINUX_SLL
  # (v1: no ifindex, only the pkttype); several -i give one IDB per interface, and dumpcap writes
  # their packets in batches as each interface's buffer is drained (not in time order).
  : >"$file" # created by us (0644), not by dumpcap (0600)
  ip netns exec "$ns" dumpcap "${args[@]}" -s "$SNAPLEN" -B 8 -c "$CAPTURE_MAX" -w "$file" 2>"$err" &
  PIDS+=("$!")
  CAPTURES+=("$!|$err|^Capturing on|dumpcap ${args[*]} in $ns")
}

wait_captures() { # until every recorder started is capturing
  local c pid err ready what i
  for c in "${CAPTURES[@]}"; do
    IFS='|' read -r pid err ready what <<<"$c"
    for ((i = 0; i < 200; i++)); do
      grep -q "$ready" "$err" 2>/dev/null && continue 2
      kill -0 "$pid" 2>/dev/null || die "$what failed: $(cat "$err")"
      sleep 0.05
    done
    die "$what did not start capturing: $(cat "$err")"
  done
  sleep 0.2 # dumpcap says "Capturing on" just before it opens its interfaces
}

stop_captures() {
  local c f
  sleep 0.5 # let the last replies (and retransmissions) land in the files
  for c in "${CAPTURES[@]}"; do stop_pid "${c%%|*}" INT; done
  CAPTURES=()
  for f in "$WORK"/tcpdump-*.log "$WORK"/dumpcap-*.log; do # their own account: captured, dropped
    [[ -e $f ]] || continue
    log "  ${f##*/}: $(grep -E 'captured|dropped' "$f" | tr '\n' ' ')"
    rm -f "$f"
  done
}

count() { tcpdump --count -nr "$1" 2>/dev/null | grep -o "^[0-9]*" || echo "?"; }

