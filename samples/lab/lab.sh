#!/usr/bin/env bash
# vxshark lab: rebuilds the workshop of docs/workshop.md (k8s-ctr, k8s-w1, k8s-w0, a router and an
# "internet") out of network namespaces on one Linux machine, generates the traffic of one
# scenario (the workshop's acts and the failures around them) and records it the way the
# instructor does: tcpdump -i any on the router and on every node at the same time, plus the wire
# at k8s-ctr, with each host's `ip -o link` and `ip route`.
#
#   samples/lab/lab.sh [--dumpcap] SCENARIO OUTDIR      (lab.sh --help lists the scenarios)
#
# Needs root, Linux, iproute2 (ip, ss, bridge) and tcpdump; python3 (HTTP server), curl, ping,
# ethtool, iptables and dumpcap are used when present, with fallbacks or a skip. Needs no network
# access: every packet stays between the namespaces this script creates (all named vxl-<pid>-...);
# the host's own interfaces and routes are never touched. Everything it created is removed on
# exit, Ctrl-C or kill. See samples/lab/README.md.
# shellcheck disable=SC2016,SC2317 # scripts for bash -c take their arguments as $1..; cleanup runs from trap
set -euo pipefail

PROG=${0##*/}
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCENARIOS=(native native-bgp tunnel tunnel-mtu geneve tunnel-4789 tunnel-port tunnel-blocked
  tunnel-blocked-dst reply-blocked policy-drop nat-vtep nat-vtep-blocked wrong-vtep relay asym-encap
  pmtu pmtu-ok pmtu-blackhole pmtu-icmp-blocked)
VXLAN_PORT=8472 # Linux's and Cilium's default, not IANA's 4789
GENEVE_PORT=6081
ODD_PORT=9999        # tunnel-port: VXLAN on a port no dissector knows
DOWNLOAD_BYTES=${LAB_DOWNLOAD_BYTES:-40960} # the file the pods serve as /download.bin
CAPTURE_MAX=3000     # packets; a safety cap, the traffic below stays far under it
SNAPLEN=4096         # bytes; the largest frame here is 1514 (+20 of SLL2)
HOSTS=(ctr w1 w0 router) # where every scenario records with tcpdump -i any

usage() {
  cat >&2 <<EOF
usage: $PROG [--dumpcap] SCENARIO OUTDIR
  SCENARIO  native          Act 1: routingMode=native + autoDirectNodeRoutes; k8s-ctr -> k8s-w0 leaves the router on eth0
            native-bgp      native routing, and the router has every node's pod /24 via that node (as BGP gives): healthy
            tunnel          Act 2: kernel VXLAN (UDP $VXLAN_PORT) between the nodes, pod MTU 1450
            tunnel-mtu      Act 2 with pod MTU 1500: the VXLAN packets exceed the underlay MTU and get fragmented
            geneve          like tunnel with GENEVE (UDP $GENEVE_PORT), if the kernel has it
            tunnel-4789     like tunnel on UDP 4789 (IANA's port)
            tunnel-port     like tunnel on UDP $ODD_PORT (a port no dissector knows)
            tunnel-blocked  tunnel; the router's firewall drops UDP $VXLAN_PORT in FORWARD
            tunnel-blocked-dst  tunnel; k8s-w0's firewall drops UDP $VXLAN_PORT in INPUT (before decapsulation)
            reply-blocked   tunnel; the router drops the tunnel packets k8s-w0 sends (the replies) in FORWARD
            policy-drop     tunnel; k8s-w0 drops packets to its pod after decapsulation (as a network policy would)
            nat-vtep        tunnel; the nodes reach k8s-w0 at 198.51.100.20, which the router NATs to 192.168.20.100
            nat-vtep-blocked  nat-vtep; and the router drops the VXLAN packets to k8s-w0 in FORWARD
            wrong-vtep      tunnel; k8s-ctr encapsulates for k8s-w0's pods towards k8s-w1, which drops them
            relay           tunnel; k8s-ctr sends k8s-w0's pods to k8s-w1, which re-encapsulates to k8s-w0
            asym-encap      tunnel; k8s-w0 answers natively (not encapsulated), the router routes it back
            pmtu            flannel-style VXLAN with DF set, a 1400-byte link router-k8s-w0, pod MTU 1450
            pmtu-ok         pmtu with net.ipv4.ip_forward_use_pmtu=1 on the nodes: the pods learn the path MTU
            pmtu-blackhole  flannel-style VXLAN with DF set, pod MTU 1500 on a 1500-byte underlay
            pmtu-icmp-blocked  pmtu; and the router sends no frag-needed (its OUTPUT drops them)
            all             every scenario above, one after the other
  --dumpcap also record on the router with dumpcap -i any and dumpcap -i eth0 -i eth1 -i eth2
  OUTDIR    where to write, per scenario, <scenario>-<host>-any.pcap, <scenario>-<host>.ip-link.txt
            and <scenario>-<host>.ip-route.txt for host in ${HOSTS[*]}, and <scenario>-ctr-eth1.pcap
Exit status: 0 done, 1 error, 2 usage, 77 the only scenario asked for cannot be built here.
EOF
  exit 2
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

DUMPCAP=0
if [[ ${1:-} == --dumpcap ]]; then
  DUMPCAP=1
  shift
fi
[[ $# -eq 2 ]] || usage
REQUESTED=$1
OUTDIR=$2
if [[ $REQUESTED == all ]]; then
  RUN=("${SCENARIOS[@]}")
elif [[ " ${SCENARIOS[*]} " == *" $REQUESTED "* ]]; then
  RUN=("$REQUESTED")
else
  usage
fi

[[ $(uname -s) == Linux ]] || die "needs Linux (network namespaces)"
[[ $(id -u) -eq 0 ]] || die "needs root (creates network namespaces)"
command -v ip >/dev/null || die "needs iproute2 (ip)"
command -v tcpdump >/dev/null || die "needs tcpdump (apt-get install -y tcpdump)"
if ((DUMPCAP)) && ! command -v dumpcap >/dev/null; then die "--dumpcap needs dumpcap (apt-get install -y tshark)"; fi

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# shellcheck source=samples/lab/lab-lib.sh
source "$LAB_DIR/lab-lib.sh"

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

build_underlay() { # [mtu of the router eth2 <-> k8s-w0 eth1 link]
  local r n mtu20=${1:-1500}
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
  veth "$(N w0)" eth1 "$r" eth2 "$mtu20"
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

routes_tunnel() { # kind (vxlan|geneve) [udp port]: Cilium-like metadata-mode devices
  local kind=$1 port=${2:-} dev n m ns
  for n in "${NODES[@]}"; do
    ns=$(N "$n")
    LINKS+=("$ns|cilium_$kind")
    if [[ $kind == vxlan ]]; then
      dev=cilium_vxlan
      ip -n "$ns" link add name "$dev" address "${TUN_MAC[$n]}" type vxlan external dstport "${port:-$VXLAN_PORT}"
    else
      dev=cilium_geneve
      ip -n "$ns" link add name "$dev" address "${TUN_MAC[$n]}" type geneve external dstport "${port:-$GENEVE_PORT}"
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

routes_flannel() { # port device-mtu: flannel-style VXLAN with DF set on the outer header
  # The kernel ignores `df set` on a metadata-mode (external) device: its DF comes from the route's
  # tunnel key, which `ip route ... encap ip` cannot set. So the DF scenarios use one classic
  # device per node as flannel's VXLAN backend builds it: one VNI for all nodes, and per remote
  # node a neighbour entry (remote gateway -> remote device MAC) and an FDB entry (that MAC ->
  # remote node address) instead of ARP and learning. No `dev eth1`: with a lower device the
  # kernel caps the device MTU at eth1's minus 50, and pmtu-blackhole needs it at 1500.
  local port=$1 mtu=$2 n m ns dev=flannel.1
  for n in "${NODES[@]}"; do
    ns=$(N "$n")
    LINKS+=("$ns|$dev")
    ip -n "$ns" link add name "$dev" address "${TUN_MAC[$n]}" mtu "$mtu" type vxlan id "$FLANNEL_VNI" \
      dstport "$port" local "${NODE_IP[$n]}" nolearning df set
    ip -n "$ns" link set "$dev" up
    for m in "${NODES[@]}"; do
      [[ $m == "$n" ]] && continue
      ip -n "$ns" neigh add "${ROUTER_IP[$m]}" lladdr "${TUN_MAC[$m]}" dev "$dev" nud permanent
      nsx "$ns" bridge fdb append "${TUN_MAC[$m]}" dev "$dev" dst "${NODE_IP[$m]}" self permanent
      ip -n "$ns" route add "${POD_CIDR[$m]}" via "${ROUTER_IP[$m]}" dev "$dev" onlink
    done
  done
}

# ---------------------------------------------------------------------------------------------
# The failures, each injected on top of a healthy build.
router_pod_routes() { # node...: on the router, that node's pod /24 via the node (as BGP would give)
  local n
  for n in "$@"; do ip -n "$(N router)" route add "${POD_CIDR[$n]}" via "${NODE_IP[$n]}"; done
}

block_port_on_router() { # port: the router drops UDP to that port in FORWARD
  local r port=$1
  r=$(N router)
  if command -v iptables >/dev/null && nsx "$r" iptables -w -A FORWARD -p udp --dport "$port" -j DROP 2>/dev/null; then
    nsx "$r" iptables -w -S FORWARD >"$OUTDIR/$SCENARIO-router.firewall.txt"
    log "$SCENARIO: router: iptables -A FORWARD -p udp --dport $port -j DROP"
  else
    # No iptables: policy routing drops the same packets at the router's forwarding decision.
    ip -n "$r" rule add iif eth1 ipproto udp dport "$port" blackhole
    ip -n "$r" rule add iif eth2 ipproto udp dport "$port" blackhole
    ip -n "$r" rule >"$OUTDIR/$SCENARIO-router.firewall.txt"
    log "$SCENARIO: router: no iptables; ip rule ... ipproto udp dport $port blackhole instead"
  fi
}

drop_on() { # host chain rule...: an iptables rule that drops, saved beside the captures
  local ns host=$1 chain=$2
  shift 2
  ns=$(N "$host")
  command -v iptables >/dev/null || die "$SCENARIO needs iptables"
  nsx "$ns" iptables -w -A "$chain" "$@" -j DROP
  nsx "$ns" iptables -w -S "$chain" >"$OUTDIR/$SCENARIO-$host.firewall.txt"
  log "$SCENARIO: $host: iptables -A $chain $* -j DROP"
}

nat_w0_vtep() { # the nodes tunnel to k8s-w0 at 198.51.100.20; the router NATs it both ways (a public address)
  local r n
  r=$(N router)
  command -v iptables >/dev/null || die "$SCENARIO needs iptables"
  ip -n "$r" addr add 198.51.100.1/24 dev eth0
  nsx "$r" iptables -w -t nat -A PREROUTING -d 198.51.100.20 -j DNAT --to-destination "${NODE_IP[w0]}"
  nsx "$r" iptables -w -t nat -A POSTROUTING -s "${NODE_IP[w0]}" -o eth1 -j SNAT --to-source 198.51.100.20
  for n in ctr w1; do
    ip -n "$(N "$n")" route add 198.51.100.0/24 via 192.168.10.200
    ip -n "$(N "$n")" route replace "${POD_CIDR[w0]}" via "${ROUTER_IP[w0]}" dev cilium_vxlan onlink \
      encap ip id "${VNI[$n]}" dst 198.51.100.20
  done
  [[ $SCENARIO != nat-vtep-blocked ]] || drop_on router FORWARD -d "${NODE_IP[w0]}" -p udp --dport "$VXLAN_PORT"
  log "$SCENARIO: router: 198.51.100.20 <-> ${NODE_IP[w0]} (DNAT in, SNAT out of eth1)"
}

encap_w0_pods_towards_w1() { # gateway-node: k8s-ctr's route for k8s-w0's pods encapsulates to k8s-w1
  # gateway w0: the inner frame still goes to k8s-w0's tunnel MAC (a stale VTEP entry): k8s-w1
  # decapsulates a frame that is not addressed to it. gateway w1: to k8s-w1's own tunnel MAC,
  # so k8s-w1 takes it and routes it on.
  ip -n "$(N ctr)" route replace "${POD_CIDR[w0]}" via "${ROUTER_IP[$1]}" dev cilium_vxlan onlink \
    encap ip id "${VNI[ctr]}" dst "${NODE_IP[w1]}"
}

inject() { # the scenario's fault, if any
  case $SCENARIO in
    native-bgp) router_pod_routes ctr w1 w0 ;;
    tunnel-blocked) block_port_on_router "$VXLAN_PORT" ;;
    tunnel-blocked-dst) drop_on w0 INPUT -p udp --dport "$VXLAN_PORT" ;;
    reply-blocked) drop_on router FORWARD -s "${NODE_IP[w0]}" -p udp --dport "$VXLAN_PORT" ;;
    policy-drop) drop_on w0 FORWARD -d "${POD_IP[w0]}" ;;
    nat-vtep | nat-vtep-blocked) nat_w0_vtep ;;
    pmtu-icmp-blocked) drop_on router OUTPUT -p icmp --icmp-type fragmentation-needed ;;
    wrong-vtep) encap_w0_pods_towards_w1 w0 ;;
    relay)
      encap_w0_pods_towards_w1 w1
      # It forwards back out of the device it came in by: no ICMP redirect for that.
      ns_sysctl "$(N w1)" net.ipv4.conf.all.send_redirects 0
      ns_sysctl "$(N w1)" net.ipv4.conf.cilium_vxlan.send_redirects 0
      ;;
    asym-encap)
      # k8s-w0 routes k8s-ctr's pods natively via the router, which has a route for them.
      ip -n "$(N w0)" route replace "${POD_CIDR[ctr]}" via 192.168.20.200 dev eth1
      router_pod_routes ctr
      ;;
    pmtu-ok)
      # Forwarding then honours the path MTU a node learned for a route (here: the inner route's
      # exception that the vxlan device sets from the outer path MTU), so the node answers the
      # pod with a frag-needed of its own. The default (0) ignores it for forwarded packets.
      local n
      for n in "${NODES[@]}"; do ns_sysctl "$(N "$n")" net.ipv4.ip_forward_use_pmtu 1; done
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
can_build() { # ip-link-add-arguments...: whether this kernel creates such a device (in a probe namespace)
  local ns="${PREFIX}probe" ok=1
  NETNS+=("$ns")
  ip netns add "$ns"
  if ip -n "$ns" link add name probe0 "$@" 2>/dev/null; then ok=0; fi
  ip netns del "$ns"
  unset 'NETNS[-1]'
  return "$ok"
}

SKIP_REASON=
buildable() { # scenario: whether this kernel can build it; if not, SKIP_REASON says why
  SKIP_REASON=
  case $1 in
    geneve)
      if command -v modprobe >/dev/null; then modprobe geneve 2>/dev/null || true; fi
      can_build type geneve external ||
        SKIP_REASON="this kernel ($(uname -r)) has no GENEVE: 'ip link add ... type geneve external' fails (CONFIG_GENEVE not set, or no module)"
      ;;
    pmtu*)
      can_build type vxlan id 1 dstport "$VXLAN_PORT" df set ||
        SKIP_REASON="'ip link add ... type vxlan ... df set' fails here (needs Linux 5.0 and iproute2 5.0)"
      ;;
  esac
  [[ -z $SKIP_REASON ]]
}

# ---------------------------------------------------------------------------------------------
FLANNEL_VNI=1 # flannel's default

traffic() { # what the pods do; failures are reported and the scenario goes on
  log "$SCENARIO: traffic from the k8s-ctr pod (${POD_IP[ctr]})"
  log "  to the k8s-w1 pod ${POD_IP[w1]} (same subnet):"
  ping_pod ctr "${POD_IP[w1]}"
  http_get ctr "${POD_IP[w1]}" /
  log "  to the k8s-w0 pod ${POD_IP[w0]} (other subnet, through the router):"
  ping_pod ctr "${POD_IP[w0]}"
  http_get ctr "${POD_IP[w0]}" /
  case $SCENARIO in
    tunnel | tunnel-mtu | geneve) http_get ctr "${POD_IP[w0]}" /download.bin ;;
    pmtu*)
      log "  from the k8s-w0 pod: a large download from the k8s-ctr pod (the big packets leave k8s-ctr):"
      http_get w0 "${POD_IP[ctr]}" /download.bin 4
      ;;
  esac
}

run_scenario() {
  SCENARIO=$1
  local podmtu=1500 tunnel= port= link20=1500 h ns
  case $SCENARIO in
    native | native-bgp) ;;
    tunnel | tunnel-blocked | tunnel-blocked-dst | reply-blocked | policy-drop | nat-vtep | nat-vtep-blocked | wrong-vtep | relay | asym-encap)
      tunnel=vxlan podmtu=1450
      ;;
    tunnel-mtu) tunnel=vxlan ;;
    tunnel-4789) tunnel=vxlan podmtu=1450 port=4789 ;;
    tunnel-port) tunnel=vxlan podmtu=1450 port=$ODD_PORT ;;
    geneve) tunnel=geneve podmtu=1450 ;;
    pmtu | pmtu-ok | pmtu-icmp-blocked) tunnel=flannel podmtu=1450 link20=1400 ;;
    pmtu-blackhole) tunnel=flannel ;;
  esac
  log "$SCENARIO: building the lab (namespaces ${PREFIX}${SCENARIO}-*)"
  build_underlay "$link20"
  build_pods "$podmtu"
  case $tunnel in
    '') routes_native ;;
    flannel) routes_flannel "$VXLAN_PORT" "$podmtu" ;;
    *) routes_tunnel "$tunnel" "$port" ;;
  esac
  inject
  start_http w1
  start_http w0
  [[ $SCENARIO != pmtu* ]] || start_http ctr

  CAPTURES=()
  for h in "${HOSTS[@]}"; do
    ns=$(N "$h")
    ip -n "$ns" -o link >"$OUTDIR/$SCENARIO-$h.ip-link.txt"
    ip -n "$ns" route >"$OUTDIR/$SCENARIO-$h.ip-route.txt"
    start_capture "$ns" any "$OUTDIR/$SCENARIO-$h-any.pcap"
  done
  start_capture "$(N ctr)" eth1 "$OUTDIR/$SCENARIO-ctr-eth1.pcap"
  if ((DUMPCAP)); then
    start_dumpcap "$(N router)" "$OUTDIR/$SCENARIO-router-dumpcap-any.pcapng" any
    start_dumpcap "$(N router)" "$OUTDIR/$SCENARIO-router-dumpcap-eth.pcapng" eth0 eth1 eth2
  fi
  wait_captures

  traffic
  stop_captures

  for h in "${HOSTS[@]}"; do log "$SCENARIO: $h: $(count "$OUTDIR/$SCENARIO-$h-any.pcap") packets in $SCENARIO-$h-any.pcap"; done
  teardown
}

make_webroot "$DOWNLOAD_BYTES"
status=0
for s in "${RUN[@]}"; do
  if ! buildable "$s"; then
    log "$s: SKIPPED: $SKIP_REASON"
    ((${#RUN[@]} == 1)) && status=77
    continue
  fi
  run_scenario "$s" # not in an || list: set -e must stay in force inside
done
exit "$status"
