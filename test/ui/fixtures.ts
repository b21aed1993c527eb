// Small captures built for the UI tests: VXLAN on a port nothing decodes by default, and a
// hostile capture whose names and payload carry terminal escape sequences.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPcap, buildPcapng } from '../fixtures/capture-writer.js';
import {
  dnsQuery,
  ethernet,
  ETH_IPV4,
  httpRequest,
  icmpEcho,
  innerFrame,
  ipv4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  tcp,
  udp,
  udpTunnel,
  vxlan,
} from '../fixtures/packet-builder.js';
import { INNER, OUTER } from '../helpers/built-frames.js';

export class Files {
  readonly dir = mkdtempSync(join(tmpdir(), 'vxshark-ui-'));
  write(name: string, bytes: Uint8Array): string {
    const p = join(this.dir, name);
    writeFileSync(p, bytes);
    return p;
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Four VXLAN pings on UDP 9000 (a port no table maps to VXLAN). */
export function vxlanOnPort9000(): Uint8Array {
  const records = [0, 1, 2, 3].map((k) => {
    const reply = k % 2 === 1;
    const inner = reply ? { ...INNER, src: INNER.dst, dst: INNER.src } : INNER;
    const outer = reply ? { ...OUTER, src: OUTER.dst, dst: OUTER.src } : OUTER;
    const l4 = { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: reply ? 0 : 8, id: 7, seq: k >> 1 }, new Uint8Array(16)) };
    const data = udpTunnel(outer, 9000, 40000 + k, vxlan({ vni: 4242 }, innerFrame(inner, l4)));
    return { tsSec: 1700000000 + k, tsFrac: 0, data };
  });
  return buildPcap(records);
}

export const ESC_CLEAR = '\x1b[2J';

/** A pcapng whose interface name, DNS query name and HTTP request line contain ESC [ 2 J. */
export function hostileCapture(): Uint8Array {
  const client = { srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02' };
  const ip = { src: '10.0.0.1', dst: '10.0.0.53' };
  const dns = ethernet(
    { src: client.srcMac, dst: client.dstMac, type: ETH_IPV4 },
    ipv4({ ...ip, proto: IPPROTO_UDP }, udp({ srcPort: 5353, dstPort: 53 }, dnsQuery({ id: 1, name: `evil${ESC_CLEAR}.example.com` }), ip)),
  );
  const web = { src: '10.0.0.1', dst: '10.0.0.80' };
  const http = ethernet(
    { src: client.srcMac, dst: client.dstMac, type: ETH_IPV4 },
    ipv4({ ...web, proto: IPPROTO_TCP }, tcp({ srcPort: 40000, dstPort: 80, seq: 1, ack: 1, flags: 'PA' }, httpRequest('GET', `/x${ESC_CLEAR}y`, 'web'), web)),
  );
  return buildPcapng([
    {
      blocks: [
        { type: 'idb', linkType: 1, name: `eth${ESC_CLEAR}0` },
        { type: 'epb', interfaceId: 0, timestamp: 1_700_000_000_000_000n, data: dns, flags: 1 },
        { type: 'epb', interfaceId: 0, timestamp: 1_700_000_000_100_000n, data: http, flags: 2 },
      ],
    },
  ]);
}
