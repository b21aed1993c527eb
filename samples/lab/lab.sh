#!/usr/bin/env bash
# vxshark lab: rebuilds the workshop of docs/workshop.md (k8s-ctr, k8s-w1, k8s-w0, a router and an
# "internet") out of network namespaces on one Linux machine, generates the traffic of one act and
# records it the way the instructor does (tcpdump -i any on the router, plus the wire at k8s-ctr).
#
#   samples/lab/lab.sh SCENARIO OUTDIR      SCENARIO: native | tunnel | tunnel-mtu | geneve | all
#
# Needs root, Linux, iproute2 (ip, ss) and tcpdump; python3 (HTTP server), curl and ping are used
# when present, with fallbacks. Needs no network access: every packet stays between the namespaces
# this script creates (all named vxl-<pid>-...); the host's own interfaces and routes are never
# touched. Everything it created is removed on exit, Ctrl-C or kill. See samples/lab/README.md.
# shellcheck disable=SC2016,SC2317 # scripts for bash -c take their arguments as $1..; cleanup runs from trap
set -euo pipefail

PROG=${0##*/}
SCENARIOS=(native tunnel tunnel-mtu geneve)
VXLAN_PORT=8472 # Linux's and Cilium's default, not IANA's 4789
GENEVE_PORT=6081
DOWNLOAD_BYTES=40960 # the file the worker pods serve as /download.bin
CAPTURE_MAX=3000     # packets; a safety cap, the traffic below stays far under it
SNAPLEN=4096         # bytes; the largest frame here is 1514 (+20 of SLL2)

usage() {
  cat >&2 <<EOF
usage: $PROG SCENARIO OUTDIR
  SCENARIO  native      Act 1: routingMode=native + autoDirectNodeRoutes; k8s-ctr -> k8s-w0 leaves the router on eth0
            tunnel      Act 2: kernel VXLAN (UDP $VXLAN_PORT) between the nodes, pod MTU 1450
            tunnel-mtu  Act 2 with pod MTU 1500: the VXLAN packets exceed the underlay MTU and get fragmented
            geneve      like tunnel with GENEVE (UDP $GENEVE_PORT), if the kernel has it
            all         every scenario above, one after the other
  OUTDIR    where to write <scenario>-router-any.pcap, <scenario>-ctr-eth1.pcap,
            <scenario>-router.ip-link.txt and <scenario>-router.ip-route.txt
Exit status: 0 done, 1 error, 2 usage, 77 the only scenario asked for cannot be built here (no GENEVE).
EOF
  exit 2
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[[ $# -eq 2 ]] || usage
REQUESTED=$1
OUTDIR=$2
case $REQUESTED in
  native | tunnel | tunnel-mtu | geneve) RUN=("$REQUESTED") ;;
  all) RUN=("${SCENARIOS[@]}") ;;
  *) usage ;;
esac

[[ $(uname -s) == Linux ]] || die "needs Linux (network namespaces)"
[[ $(id -u) -eq 0 ]] || die "needs root (creates network namespaces)"
command -v ip >/dev/null || die "needs iproute2 (ip)"
command -v tcpdump >/dev/null || die "needs tcpdump (apt-get install -y tcpdump)"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

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
# The lab. Names as in the story; per host: node name, eth1 address, pod CIDR, router IP, pod IP.
declare -A NODE_IP=([ctr]=192.168.10.100 [w1]=192.168.10.101 [w0]=192.168.20.100)
declare -A POD_CIDR=([ctr]=172.20.0.0/24 [w1]=172.20.1.0/24 [w0]=172.20.2.0/24)
declare -A ROUTER_IP=([ctr]=172.20.0.98 [w1]=172.20.1.11 [w0]=172.20.2.71) # Cilium's cilium_host address
declare -A POD_IP=([ctr]=172.20.0.10 [w1]=172.20.1.20 [w0]=172.20.2.30)
# Stand-in for Cilium's security identity, which Cilium carries in the VNI: one per source node
# (mnemonic: the node's address, 192.168.10.100 -> 10100).
declare -A VNI=([ctr]=10100 [w1]=10101 [w0]=20100)
# Fixed MACs for the tunnel devices, so the nodes can hold permanent neighbour entries for the
# remote router IPs (an external-mode device cannot resolve them with ARP).
declare -A TUN_MAC=([ctr]=02:00:c0:a8:0a:64 [w1]=02:00:c0:a8:0a:65 [w0]=02:00:c0:a8:14:64)
NODES=(ctr w1 w0)

N() { printf '%s%s-%s' "$PREFIX" "$SCENARIO" "$1"; } # namespace name of a role

build_underlay() {
  local r n
  for r in internet router lan ctr w1 w0 pod-ctr pod-w1 pod-w0; do ns_add "$(N "$r")"; done
  r=$(N router)

  # router eth0 <-> internet: the router's default route. The internet namespace does not
  # forward (ip_forward stays 0) and has no route back to 172.20.0.0/16: what leaves there is lost.
  veth "$r" eth0 "$(N internet)" eth0
  ip -n "$r" addr add 203.0.113.1/24 dev eth0
  ip -n "$(N internet)" addr add 203.0.113.254/24 dev eth0

  # 192.168.10.0/24: k8s-ctr, k8s-w1 and the router's eth1 on one bridge (namespace "lan").
  LINKS+=("$(N lan)|br0")
  ip -n "$(N lan)" link add name br0 type bridge stp_state 0
  ip -n "$(N lan)" link set br0 up
  for n in ctr w1 router; do
    if [[ $n == router ]]; then veth "$r" eth1 "$(N lan)" "p-$n"; else veth "$(N "$n")" eth1 "$(N lan)" "p-$n"; fi
    ip -n "$(N lan)" link set "p-$n" master br0
  done
  ip -n "$(N ctr)" addr add 192.168.10.100/24 dev eth1
  ip -n "$(N w1)" addr add 192.168.10.101/24 dev eth1
  ip -n "$r" addr add 192.168.10.200/24 dev eth1

  # 192.168.20.0/24: k8s-w0 alone with the router's eth2.
  veth "$(N w0)" eth1 "$r" eth2
  ip -n "$(N w0)" addr add 192.168.20.100/24 dev eth1
  ip -n "$r" addr add 192.168.20.200/24 dev eth2

  ns_sysctl "$r" net.ipv4.ip_forward 1
  ip -n "$r" route add default via 203.0.113.254 dev eth0 # and no pod CIDR route, ever

  # Nodes reach the other node subnet through the router.
  ip -n "$(N ctr)" route add 192.168.20.0/24 via 192.168.10.200
  ip -n "$(N w1)" route add 192.168.20.0/24 via 192.168.10.200
  ip -n "$(N w0)" route add 192.168.10.0/24 via 192.168.20.200
}

build_pods() { # pod-mtu
  local mtu=$1 n prefixlen
  for n in "${NODES[@]}"; do
    ns_sysctl "$(N "$n")" net.ipv4.ip_forward 1
    # pod eth0 <-> node lxc0 (Cilium names them lxc<hash>); the node's router IP is the gateway.
    veth "$(N "pod-$n")" eth0 "$(N "$n")" lxc0 "$mtu"
    prefixlen=${POD_CIDR[$n]#*/}
    ip -n "$(N "$n")" addr add "${ROUTER_IP[$n]}/$prefixlen" dev lxc0
    ip -n "$(N "pod-$n")" addr add "${POD_IP[$n]}/$prefixlen" dev eth0
    ip -n "$(N "pod-$n")" route add default via "${ROUTER_IP[$n]}"
  done
}

routes_native() {
  # autoDirectNodeRoutes: only between nodes on the same L2 subnet.
  ip -n "$(N ctr)" route add 172.20.1.0/24 via 192.168.10.101
  ip -n "$(N w1)" route add 172.20.0.0/24 via 192.168.10.100
  # Everything else of 172.20.0.0/16 goes to the router, which has no route for it but its default.
  ip -n "$(N ctr)" route add 172.20.0.0/16 via 192.168.10.200
  ip -n "$(N w1)" route add 172.20.0.0/16 via 192.168.10.200
  ip -n "$(N w0)" route add 172.20.0.0/16 via 192.168.20.200
}

routes_tunnel() { # kind (vxlan|geneve)
  local kind=$1 dev n m ns
  for n in "${NODES[@]}"; do
    ns=$(N "$n")
    LINKS+=("$ns|cilium_$kind")
    if [[ $kind == vxlan ]]; then
      dev=cilium_vxlan
      ip -n "$ns" link add name "$dev" address "${TUN_MAC[$n]}" type vxlan external dstport "$VXLAN_PORT"
    else
      dev=cilium_geneve
      ip -n "$ns" link add name "$dev" address "${TUN_MAC[$n]}" type geneve external dstport "$GENEVE_PORT"
    fi
    ip -n "$ns" link set "$dev" up
  done
  for n in "${NODES[@]}"; do
    ns=$(N "$n")
    for m in "${NODES[@]}"; do
      [[ $m == "$n" ]] && continue
      # Every remote pod CIDR via the remote node's router IP, encapsulated towards the remote
      # node with this node's VNI. The neighbour entry replaces ARP over the tunnel.
      ip -n "$ns" neigh add "${ROUTER_IP[$m]}" lladdr "${TUN_MAC[$m]}" dev "$dev" nud permanent
      ip -n "$ns" route add "${POD_CIDR[$m]}" via "${ROUTER_IP[$m]}" dev "$dev" onlink \
        encap ip id "${VNI[$n]}" dst "${NODE_IP[$m]}"
    done
  done
}

geneve_supported() {
  local ns="${PREFIX}probe"
  if command -v modprobe >/dev/null; then modprobe geneve 2>/dev/null || true; fi
  NETNS+=("$ns")
  ip netns add "$ns"
  if ip -n "$ns" link add name gnvprobe type geneve external 2>/dev/null; then
    ip -n "$ns" link del gnvprobe
    ip netns del "$ns"
    unset 'NETNS[-1]'
    return 0
  fi
  ip netns del "$ns"
  unset 'NETNS[-1]'
  return 1
}

# ---------------------------------------------------------------------------------------------
# Workloads: an HTTP server in the worker pods, a client in the k8s-ctr pod.
WEBROOT=$WORK/www
mkdir -p "$WEBROOT"
printf '<html><body>webpod (vxshark lab)</body></html>\n' >"$WEBROOT/index.html"
for ((i = 0; i * 64 < DOWNLOAD_BYTES; i++)); do # 64-byte lines of readable text
  printf 'vxshark lab download, line %06d: the quick brown fox jumps ov\n' "$i"
done >"$WORK/lines"
head -c "$DOWNLOAD_BYTES" "$WORK/lines" >"$WEBROOT/download.bin" # no pipe: no SIGPIPE under pipefail

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

http_get() { # from-node to-ip path: one HTTP GET with short timeouts; failure is reported, not fatal
  local ns out
  ns=$(N "pod-$1")
  if command -v curl >/dev/null; then
    out=$(nsx "$ns" curl -sS -o /dev/null --connect-timeout 2 --max-time 5 \
      -w 'HTTP %{http_code}, %{size_download} bytes' "http://$2$3" 2>&1) || true
    out=${out//$'\n'/; }
  else
    out=$(nsx "$ns" timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/80" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$1" >&3
      n=$(cat <&3 | wc -c); echo "$n bytes (bash /dev/tcp)"' _ "$2" "$3" 2>&1) || out="no answer"
  fi
  printf '    GET http://%s%s -> %s\n' "$2" "$3" "$out" >&2
}

# ---------------------------------------------------------------------------------------------
# Recording.
start_capture() { # netns iface file: tcpdump with -U, returns once it is capturing
  local ns=$1 iface=$2 file=$3 err pid i
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
  pid=$!
  PIDS+=("$pid")
  CAPTURES+=("$pid")
  for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$err" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "tcpdump on $iface in $ns failed: $(cat "$err")"
    sleep 0.05
  done
  die "tcpdump on $iface in $ns did not start capturing: $(cat "$err")"
}

stop_captures() {
  local pid f
  sleep 0.5 # let the last replies (and retransmissions) land in the files
  for pid in "${CAPTURES[@]}"; do stop_pid "$pid" INT; done
  CAPTURES=()
  for f in "$WORK"/tcpdump-*.log; do # tcpdump's own account: captured, dropped by kernel
    log "  ${f##*/tcpdump-}: $(grep -E 'captured|dropped' "$f" | tr '\n' ' ')"
    rm -f "$f"
  done
}

count() { tcpdump --count -nr "$1" 2>/dev/null | grep -o "^[0-9]*" || echo "?"; }

# ---------------------------------------------------------------------------------------------
run_scenario() {
  SCENARIO=$1
  local podmtu=1500 kind=
  case $SCENARIO in
    native) ;;
    tunnel) kind=vxlan podmtu=1450 ;;
    tunnel-mtu) kind=vxlan podmtu=1500 ;;
    geneve) kind=geneve podmtu=1450 ;;
  esac
  log "$SCENARIO: building the lab (namespaces ${PREFIX}${SCENARIO}-*)"
  build_underlay
  build_pods "$podmtu"
  if [[ -z $kind ]]; then routes_native; else routes_tunnel "$kind"; fi
  start_http w1
  start_http w0

  local r any eth1
  r=$(N router)
  any="$OUTDIR/$SCENARIO-router-any.pcap"
  eth1="$OUTDIR/$SCENARIO-ctr-eth1.pcap"
  ip -n "$r" -o link >"$OUTDIR/$SCENARIO-router.ip-link.txt"
  ip -n "$r" route >"$OUTDIR/$SCENARIO-router.ip-route.txt"
  CAPTURES=()
  start_capture "$r" any "$any"
  start_capture "$(N ctr)" eth1 "$eth1"

  log "$SCENARIO: traffic from the k8s-ctr pod (${POD_IP[ctr]})"
  log "  to the k8s-w1 pod ${POD_IP[w1]} (same subnet):"
  ping_pod ctr "${POD_IP[w1]}"
  http_get ctr "${POD_IP[w1]}" /
  log "  to the k8s-w0 pod ${POD_IP[w0]} (other subnet, through the router):"
  ping_pod ctr "${POD_IP[w0]}"
  http_get ctr "${POD_IP[w0]}" /
  if [[ -n $kind ]]; then http_get ctr "${POD_IP[w0]}" /download.bin; fi
  stop_captures

  log "$SCENARIO: $(count "$any") packets in $any, $(count "$eth1") in $eth1"
  teardown
}

status=0
for s in "${RUN[@]}"; do
  if [[ $s == geneve ]] && ! geneve_supported; then
    log "geneve: SKIPPED: this kernel ($(uname -r)) has no GENEVE support: 'ip link add ... type geneve"
    log "        external' fails (CONFIG_GENEVE not set, or 'modprobe geneve' unavailable or failing)"
    ((${#RUN[@]} == 1)) && status=77
    continue
  fi
  run_scenario "$s" # not in an || list: set -e must stay in force inside
done
exit "$status"
