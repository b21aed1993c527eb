// The Flows view's rows as the analysis worker builds them (src/ui/flow-rows.ts): the compact
// columns give back every row as it was added, and "Other tunnels" says which way each of the
// flow's other tunnels carried it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IPPROTO_TCP, tcp, vxlanFrame, type Mac } from '../fixtures/packet-builder.js';
import { analyzeBytes, ethCapture, type Frame } from '../analysis/helpers.js';
import { buildAnalysisView } from '../../src/ui/analysis-model.js';
import { allFlowRows, FlowRowsBuilder, flowRowAt, type FlowRow } from '../../src/ui/flow-rows.js';

const M1: Mac = '02:00:00:00:00:01';
const M2: Mac = '02:00:00:00:00:02';
const NODE_A = '192.168.1.1';
const NODE_B = '192.168.1.2';
const POD_A = '10.244.1.5';
const POD_B = '10.244.2.6';

/** A TCP segment of pod src:sport -> dst:dport in VXLAN between the nodes, with the given VNI. */
function segment(vni: number, from: 'a' | 'b', sport: number, dport: number, flags: string, outerFrom = from): Uint8Array {
  const [src, dst] = from === 'a' ? [POD_A, POD_B] : [POD_B, POD_A];
  const [outerSrc, outerDst] = outerFrom === 'a' ? [NODE_A, NODE_B] : [NODE_B, NODE_A];
  const inner = { srcMac: M1, dstMac: M2, src, dst };
  return vxlanFrame(
    { outer: { srcMac: M1, dstMac: M2, src: outerSrc, dst: outerDst }, vni, inner },
    { proto: IPPROTO_TCP, bytes: tcp({ srcPort: sport, dstPort: dport, flags, seq: 1, ack: 0 }, new Uint8Array(0), inner) },
  );
}

describe('flow rows', () => {
  it('the columns give back each row as added: addresses, names, texts and tunnels', () => {
    const rows: FlowRow[] = Array.from({ length: 700 }, (_, i) => {
      const v6 = i % 11 === 0;
      // IPv4 from 0.0.0.0 to 255.255.255.255 (the top bit set must not come back negative).
      const src = v6 ? `fd00::${i.toString(16)}` : i === 22 ? '255.255.255.255' : `${(i * 37) & 255}.0.${i >> 8}.${i & 255}`;
      const dst = v6 ? 'fd00::1' : '10.244.2.6';
      const dstName = i % 4 ? `pod-${'é'.repeat(i % 4)}` : dst;
      const proto = i % 2 ? 'TCP' : i % 3 ? 'UDP' : 'ICMP';
      const ends = (name: string, port: number): string => (proto === 'ICMP' ? name : name.includes(':') ? `[${name}]:${port}` : `${name}:${port}`);
      return {
        id: i * 3,
        proto,
        endpoints: `${ends(src, 1000 + i)} → ${ends(dstName, 80)}`,
        srcName: src,
        dstName,
        packetsOut: i,
        packetsBack: 700 - i,
        bytes: i * 1e6,
        state: i % 5 ? 'both ways' : 'one way',
        unanswered: i % 7 === 0,
        also: i % 3 ? '' : `back: VXLAN VNI ${i}`,
        firstFrame: i + 1,
        match: {
          family: v6 ? 6 : 4,
          proto,
          src,
          dst,
          srcPort: 1000 + i,
          dstPort: 80,
          tunnels: Array.from({ length: i % 4 }, (_, k) => k + i),
        },
      };
    });
    // Fewer announced than added: the columns grow.
    const b = new FlowRowsBuilder(100);
    for (const r of rows) b.add(r);
    const data = b.finish();
    assert.equal(data.count, 700);
    assert.deepEqual(allFlowRows(data), rows);
    assert.deepEqual(flowRowAt(data, 699), rows[699]);
  });

  it('keeps no name column when every row shows its addresses', () => {
    const b = new FlowRowsBuilder(2);
    const match = { family: 4 as const, proto: 'UDP', src: '10.0.0.1', dst: '10.0.0.2', srcPort: 53, dstPort: 5353, tunnels: [] };
    const row = {
      id: 0,
      proto: 'UDP',
      srcName: '10.0.0.1',
      dstName: '10.0.0.2',
      packetsOut: 1,
      packetsBack: 0,
      bytes: 60,
      state: 'one way',
      unanswered: false,
      also: '',
      firstFrame: 1,
      match,
    };
    b.add(row);
    const data = b.finish();
    assert.equal(data.shown, undefined);
    assert.equal(flowRowAt(data, 0).endpoints, '10.0.0.1:53 → 10.0.0.2:5353');
  });

  it('a tunnel that carried only the replies is "back", though it carried another flow forward', async () => {
    // Flow 1 (port 1000) goes out in VNI 1 from node A and comes back in VNI 2 from node B.
    // Flow 2 (port 2000) goes out from pod A in that same tunnel, node B -> node A (a relay
    // would do that): the tunnel carried pod A -> pod B packets, but none of flow 1's.
    const frames: Frame[] = [
      { t: 0, data: segment(1, 'a', 1000, 80, 'S') },
      { t: 10, data: segment(2, 'b', 80, 1000, 'SA') },
      { t: 20, data: segment(2, 'a', 2000, 80, 'S', 'b') },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const view = buildAnalysisView(r, frames.length);
    const rows = allFlowRows(view.flowRows);
    const first = rows.find((f) => f.match.srcPort === 1000)!;
    assert.equal(first.also, `back: VXLAN VNI 2 ${NODE_B}→${NODE_A}`);
    // Flow 2's only tunnel is its group: nothing else to say.
    assert.equal(rows.find((f) => f.match.srcPort === 2000)!.also, '');
  });

  it("are made from each flow in turn, not from the result's kept list of every flow's view", async () => {
    const frames: Frame[] = [
      { t: 0, data: segment(1, 'a', 1000, 80, 'S') },
      { t: 10, data: segment(2, 'b', 80, 1000, 'SA') },
      { t: 20, data: segment(2, 'a', 2000, 80, 'S', 'b') },
      { t: 30, data: segment(1, 'a', 3000, 443, 'S') },
    ];
    const listed = await analyzeBytes(ethCapture(frames));
    const expected = allFlowRows(buildAnalysisView(listed, frames.length).flowRows);
    assert.equal(listed.flows.length, 3);
    // The same analysis again, whose list of views must not be made: half a million views at 1M packets.
    const r = await analyzeBytes(ethCapture(frames));
    Object.defineProperty(r, 'flows', {
      get() {
        throw new Error('the view asked for every flow at once');
      },
    });
    const view = buildAnalysisView(r, frames.length);
    assert.equal(view.flowCount, 3);
    assert.deepEqual(allFlowRows(view.flowRows), expected);
  });
});
