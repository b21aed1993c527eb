// FlowSummaries finds a flow by numbers, not by its name: it must group journeys exactly as
// their names (flowName) do, whatever the protocol, and keep the flows' first-seen order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Journey } from '../../src/journey/engine.js';
import { FlowSummaries } from '../../src/journey/flow-summaries.js';
import { flowName, packetInfo, type PacketNumbers } from '../../src/journey/packet-info.js';

const V6A = '20010db8000000000000000000000001';
const V6B = '20010db8000000000000000000000002';

function numbers(over: Partial<PacketNumbers>): PacketNumbers {
  return {
    proto: 6,
    src: 1,
    dst: 2,
    sport: 1000,
    dport: 80,
    ipId: 0,
    length: 60,
    seq: 0,
    ack: 0,
    flags: 0,
    len: 0,
    icmpType: -1,
    icmpCode: 0,
    icmpId: 0,
    icmpSeq: 0,
    ...over,
  };
}

const CASES: Partial<PacketNumbers>[] = [
  {},
  { sport: 1001 },
  { dport: 443 },
  { src: 2, dst: 1 },
  { proto: 17 },
  { proto: 17, sport: 53, dport: 53 },
  { proto: 1, sport: 0, dport: 0, icmpType: 8, icmpId: 5 },
  { proto: 1, sport: 0, dport: 0, icmpType: 0, icmpId: 5 },
  { proto: 1, sport: 0, dport: 0, icmpType: 8, icmpId: 6 },
  { proto: 1, sport: 0, dport: 0, icmpType: 13, icmpId: 5 },
  { proto: 1, sport: 0, dport: 0, icmpType: 13, icmpId: 6 },
  { proto: 1, sport: 0, dport: 0, icmpType: -1 },
  { proto: 58, src: V6A, dst: V6B, sport: 0, dport: 0, icmpType: 128, icmpId: 9 },
  { proto: 58, src: V6A, dst: V6B, sport: 0, dport: 0, icmpType: 129, icmpId: 9 },
  { proto: 6, src: V6A, dst: V6B },
  { proto: 47, sport: 0, dport: 0 },
  { proto: 47, sport: 7, dport: 7 },
];

describe('FlowSummaries', () => {
  it('groups journeys as their flow names do, in first-seen order', () => {
    const summaries = new FlowSummaries(1000);
    const byName = new Map<string, number>();
    // Every case three times, interleaved, so flows are found again and not only created.
    for (let round = 0; round < 3; round++) {
      for (const over of CASES) {
        const p = numbers(over);
        const packet = packetInfo(p);
        const flow = flowName(packet);
        byName.set(flow, (byName.get(flow) ?? 0) + 1);
        summaries.count('delivered', '', p);
      }
    }
    assert.deepEqual(
      summaries.list.map((s) => [s.flow, s.packets]),
      [...byName],
    );
  });

  it('counts the packets of flows past its limit instead of summarising them', () => {
    const summaries = new FlowSummaries(2);
    for (const over of CASES.slice(0, 4)) {
      const p = numbers(over);
      summaries.count('lost', 'gone', p);
    }
    assert.equal(summaries.list.length, 2);
    assert.equal(summaries.untracked, 2);
    assert.deepEqual(summaries.list[0]!.ends, [{ verdict: 'gone', packets: 1 }]);
  });

  it("lists where a flow's packets ended, in order of first occurrence, up to 20 places", () => {
    const summaries = new FlowSummaries(10);
    const p = numbers({});
    const packet = packetInfo(p);
    const verdicts = ['b', 'a', 'b', 'c', 'a', ...Array.from({ length: 30 }, (_, i) => `place ${i % 25}`), 'b'];
    const fates = verdicts.map((_, i) => (i % 3 === 0 ? 'unknown' : 'lost') as Journey['fate']);
    verdicts.forEach((v, i) => summaries.count(fates[i]!, `${v}`, p));
    summaries.count('delivered', 'delivered', p);
    const expected: { verdict: string; packets: number }[] = [];
    for (const v of verdicts) {
      const e = expected.find((x) => x.verdict === v);
      if (e) e.packets++;
      else if (expected.length < 20) expected.push({ verdict: v, packets: 1 });
    }
    const [flow] = summaries.list;
    assert.deepEqual(flow!.ends, expected);
    assert.equal(flow!.packets, verdicts.length + 1);
    assert.equal(flow!.delivered, 1);
    assert.equal(flow!.unknown, fates.filter((f) => f === 'unknown').length);
    assert.equal(flow!.lost, fates.filter((f) => f === 'lost').length);
    assert.equal(flow!.flow, flowName(packet));
  });
});
