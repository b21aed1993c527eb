// The waiting lists of OpenJourneys (a list per flow, linked through the slots, its ends in
// WaitEnds) against a Map of lists: journeys join at the end and leave from anywhere, and a
// walk from firstWaiting() through nextWaiting() must give each flow's list in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenJourneys } from '../../src/journey/open-journeys.js';
import { PacketNumbers } from '../../src/journey/packet-info.js';
import { prng } from '../helpers/prng.js';

function walk(table: OpenJourneys, flow: number): number[] {
  const out: number[] = [];
  for (let s = table.firstWaiting(flow); s !== -1; s = table.nextWaiting(s)) out.push(s);
  return out;
}

describe('OpenJourneys waiting lists', () => {
  it('match a Map of lists through 50,000 random joins and leaves (first, last, middle, only)', () => {
    const rnd = prng(5);
    const table = new OpenJourneys();
    const packet = new PacketNumbers();
    const lists = new Map<number, number[]>();
    const flows = [-1, 0, 7, 2 ** 31 - 1, -(2 ** 31), 123456789];
    let id = 0;
    for (let n = 0; n < 50_000; n++) {
      const flow = flows[Math.floor(rnd() * flows.length)]!;
      const list = lists.get(flow) ?? [];
      if (rnd() < 0.55 || list.length === 0) {
        const s = table.take(id++, packet, n, n, flow, n, -1, false);
        table.wait(s);
        list.push(s);
        lists.set(flow, list);
      } else {
        const at = Math.floor(rnd() * list.length);
        const [s] = list.splice(at, 1);
        table.stopWaiting(s!);
        // Leaving twice changes nothing.
        table.stopWaiting(s!);
        table.release(s!);
      }
      assert.deepEqual(walk(table, flow), lists.get(flow) ?? [], `flow ${flow} at step ${n}`);
    }
    for (const flow of flows) assert.deepEqual(walk(table, flow), lists.get(flow) ?? []);
  });
});
