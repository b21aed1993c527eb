// The scenario's acts as router captures (SLL2, In and Out copies), built packet by packet.
import {
  CTR,
  echo,
  forward,
  IF,
  INNER_0_2,
  INNER_2_0,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  MAC,
  OUTER_CTR_W0,
  OUTER_W0_CTR,
  POD0,
  POD2,
  sll2Capture,
  syn,
  synAck,
  tcpSeg,
  vxlanIp,
  W0,
  type Event,
} from './helpers.js';

/**
 * Act 1: nodes ping each other through the router (eth1 <-> eth2, answered); the curl-pod's
 * SYNs (a retransmission every second) and pings to the webpod come in on eth1 and leave on
 * eth0, the default route, and nothing answers.
 */
export function act1Events(): Event[] {
  const ev: Event[] = [];
  for (let i = 0; i < 2; i++) {
    const t = i * 1_000_000;
    ev.push(...forward(t, { src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: 0x100 + i }, echo(8, 0x1c07, i + 1), IF.eth1, MAC.ctr, IF.eth2, MAC.r2));
    ev.push(...forward(t + 600, { src: W0, dst: CTR, proto: IPPROTO_ICMP, ttl: 64, id: 0x200 + i }, echo(0, 0x1c07, i + 1), IF.eth2, MAC.w0, IF.eth1, MAC.r1));
  }
  for (let i = 0; i < 3; i++) {
    const t = 5_000_000 + i * 1_000_000;
    ev.push(
      ...forward(t, { src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 63, id: 0x3000 + i, df: true }, syn(POD0, POD2, 45866), IF.eth1, MAC.ctr, IF.eth0, MAC.r0),
    );
  }
  for (let i = 0; i < 2; i++) {
    const t = 5_500_000 + i * 1_000_000;
    ev.push(
      ...forward(
        t,
        { src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 63, id: 0x4000 + i, df: true },
        echo(8, 0x6b02, i + 1),
        IF.eth1,
        MAC.ctr,
        IF.eth0,
        MAC.r0,
      ),
    );
  }
  return ev;
}

export const act1 = (): Uint8Array => sll2Capture(act1Events());

/**
 * Act 2 as a router sees it: VXLAN on 8472 between the nodes, in on one node subnet and out on
 * the other, Cilium-style VNIs (the sender's identity: 32001 one way, 45678 back). A ping, a
 * TCP connection with data and FINs. Everything is answered.
 */
export function healthyTunnelEvents(opts: { port?: number; vniBack?: number } = {}): Event[] {
  const port = opts.port ?? 8472;
  const back = opts.vniBack ?? 45678;
  const ev: Event[] = [];
  let id = 0x5c21;
  let idBack = 0xe30a;
  let t = 0;
  const there = (l4: { proto: number; bytes: Uint8Array }): void => {
    ev.push(...fwdTunnel(t, vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: id++ }, 32001, INNER_0_2, l4, port), IF.eth1, MAC.ctr, IF.eth2, MAC.r2));
    t += 300;
  };
  const backAgain = (l4: { proto: number; bytes: Uint8Array }): void => {
    ev.push(...fwdTunnel(t, vxlanIp({ ...OUTER_W0_CTR, ttl: 64, id: idBack++ }, back, INNER_2_0, l4, port), IF.eth2, MAC.w0, IF.eth1, MAC.r1));
    t += 300;
  };
  for (let seq = 1; seq <= 3; seq++) {
    there({ proto: IPPROTO_ICMP, bytes: echo(8, 0x2f1d, seq) });
    backAgain({ proto: IPPROTO_ICMP, bytes: echo(0, 0x2f1d, seq) });
    t += 1_000_000;
  }
  there({ proto: IPPROTO_TCP, bytes: syn(POD0, POD2, 48312) });
  backAgain({ proto: IPPROTO_TCP, bytes: synAck(POD2, POD0, 80, 48312) });
  there({ proto: IPPROTO_TCP, bytes: tcpSeg(POD0, POD2, 48312, 80, 'A') });
  there({ proto: IPPROTO_TCP, bytes: tcpSeg(POD0, POD2, 48312, 80, 'PA', new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')) });
  backAgain({ proto: IPPROTO_TCP, bytes: tcpSeg(POD2, POD0, 80, 48312, 'PA', new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\n')) });
  there({ proto: IPPROTO_TCP, bytes: tcpSeg(POD0, POD2, 48312, 80, 'FA') });
  backAgain({ proto: IPPROTO_TCP, bytes: tcpSeg(POD2, POD0, 80, 48312, 'FA') });
  there({ proto: IPPROTO_TCP, bytes: tcpSeg(POD0, POD2, 48312, 80, 'A') });
  return ev;
}

/** A whole IP packet (already built) forwarded: In copy, then the Out copy with TTL - 1 and a fixed checksum. */
export function fwdTunnel(t: number, packet: Uint8Array, from: number, fromMac: string, to: number, toMac: string, delay = 30): Event[] {
  const out = packet.slice();
  out[8] = out[8]! - 1;
  fixChecksum(out);
  return [
    { t, ifindex: from, out: false, mac: fromMac, ip: packet },
    { t: t + delay, ifindex: to, out: true, mac: toMac, ip: out },
  ];
}

/** Recomputes an IPv4 header checksum in place. */
export function fixChecksum(p: Uint8Array): void {
  const ihl = (p[0]! & 0x0f) * 4;
  p[10] = 0;
  p[11] = 0;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  p[10] = c >> 8;
  p[11] = c & 0xff;
}

export const healthyTunnel = (): Uint8Array => sll2Capture(healthyTunnelEvents());

/**
 * Splits an IPv4 packet into fragments whose IP packets are at most `mtu` bytes, as a sender's
 * ip_fragment does (offsets in units of 8 bytes, MF on all but the last, DF clear).
 */
export function fragment(packet: Uint8Array, mtu: number): Uint8Array[] {
  const ihl = (packet[0]! & 0x0f) * 4;
  const payload = packet.subarray(ihl);
  const step = Math.floor((mtu - ihl) / 8) * 8;
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += step) {
    const part = payload.subarray(off, Math.min(payload.length, off + step));
    const f = new Uint8Array(ihl + part.length);
    f.set(packet.subarray(0, ihl));
    f.set(part, ihl);
    f[2] = f.length >> 8;
    f[3] = f.length & 0xff;
    const more = off + step < payload.length;
    const word = (more ? 0x2000 : 0) | (off / 8);
    f[6] = word >> 8;
    f[7] = word & 0xff;
    fixChecksum(f);
    out.push(f);
  }
  return out;
}
