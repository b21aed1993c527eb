// Measures display-filter evaluation: `node --import tsx test/filter/bench.ts [packets]`.
// Dissects a mix of VXLAN and plain frames once, then runs compiled filters over them,
// cycling until the requested number of packets (default 1,000,000) has been tested.
import { performance } from 'node:perf_hooks';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import type { Packet } from '../../src/dissect/types.js';
import { compileFilter } from '../../src/filter/index.js';
import { ethernet, ipv4, tcp, udp, vxlanFrame, ETH_IPV4, IPPROTO_TCP, IPPROTO_UDP } from '../fixtures/packet-builder.js';

export function benchPackets(count = 1024): Packet[] {
  const registry = createRegistry();
  const out: Packet[] = [];
  for (let i = 0; i < count; i++) {
    const inner = { srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: `172.20.1.${i % 250}`, dst: `172.20.2.${(i * 7) % 64}` };
    const l4 = tcp({ srcPort: 30000 + i, dstPort: i % 3 ? 80 : 443, seq: i, flags: i % 5 ? 'A' : 'S' }, new Uint8Array(i % 64), inner);
    const bytes =
      i % 4 === 3
        ? ethernet(
            { src: '0a:00:00:00:00:01', dst: '0a:00:00:00:00:02', type: ETH_IPV4 },
            ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IPPROTO_UDP }, udp({ srcPort: 5353, dstPort: 53 }, new Uint8Array(20))),
          )
        : vxlanFrame(
            { outer: { srcMac: '0a:00:00:00:00:01', dstMac: '0a:00:00:00:00:02', src: `192.168.0.${1 + (i % 8)}`, dst: '192.168.0.100' }, vni: 100 + (i % 3), inner },
            { proto: IPPROTO_TCP, bytes: l4 },
          );
    const meta = { number: i + 1, sec: 1700000000 + i, nsec: 0, capLen: bytes.length, origLen: bytes.length, linkType: 1, interfaceId: 0, direction: 0 as const };
    out.push(dissect(bytes, meta, registry));
  }
  return out;
}

/** Milliseconds to test `total` packets with `filter`, and how many matched. */
export function timeFilter(filter: string, packets: Packet[], total: number): { ms: number; matched: number } {
  const pred = compileFilter(filter, createRegistry());
  let matched = 0;
  const n = packets.length;
  // Warm up so the measurement is of optimised code.
  for (let i = 0; i < 20000; i++) pred(packets[i % n]!);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) if (pred(packets[i % n]!)) matched++;
  return { ms: performance.now() - t0, matched };
}

const FILTERS = [
  'inner.ip.dst == 172.20.2.30 && vxlan.vni == 100',
  'ip.addr == 172.20.0.0/16 && tcp.flags.syn == 1',
  'tcp.port in {80, 443, 8000..8080}',
  'ip.src != 192.168.0.1',
  'eth.dst == 02:00:00:00:00:02 && !(udp.port == 53)',
  'frame.time_epoch > 1700000500.5',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const total = Number(process.argv[2] ?? 1_000_000);
  const packets = benchPackets();
  for (const f of FILTERS) {
    const { ms, matched } = timeFilter(f, packets, total);
    console.log(`${ms.toFixed(0).padStart(6)} ms  ${String(matched).padStart(8)} of ${total}  ${f}`);
  }
}
