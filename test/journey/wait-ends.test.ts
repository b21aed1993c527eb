// WaitEnds against a Map of lists under the same random operations, as OpenJourneys uses it:
// a journey joins the end of its flow's list, and leaves from anywhere in it; the table holds
// each list's first and last journey. Flow hashes are any 32-bit number (-1 and 0 included),
// many sharing a home so probe chains form and are cut, and with the count buckets shrunk to
// four so that every bucket fills past saturation and empties again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitEnds } from '../../src/journey/wait-ends.js';
import { prng } from '../helpers/prng.js';

function run(countBits: number, seed: number): void {
  const rnd = prng(seed);
  const ends = new WaitEnds(16, countBits);
  const lists = new Map<number, number[]>();
  const flows = Array.from({ length: 3000 }, (_, i) => (i < 4 ? [-1, 0, -(2 ** 31), 2 ** 31 - 1][i]! : i % 5 === 0 ? i * 16 : Math.floor(rnd() * 2 ** 32) | 0));
  let slot = 0;
  for (let n = 0; n < 200_000; n++) {
    const flow = flows[Math.floor(rnd() * flows.length)]!;
    const list = lists.get(flow);
    const op = rnd();
    if (op < 0.45) {
      const s = slot++;
      assert.equal(ends.append(flow, s), list ? list[list.length - 1]! : -1, `append to ${flow} at step ${n}`);
      if (list) list.push(s);
      else lists.set(flow, [s]);
    } else if (op < 0.8 && list) {
      // One journey leaves: the first, the last, or one in between.
      const at = Math.floor(rnd() * list.length);
      list.splice(at, 1);
      if (list.length === 0) {
        ends.remove(flow);
        lists.delete(flow);
      } else if (at === 0) ends.setHead(flow, list[0]!);
      else if (at === list.length) ends.setTail(flow, list[list.length - 1]!);
    } else assert.equal(ends.head(flow), list ? list[0]! : -1, `head of ${flow} at step ${n}`);
    assert.equal(ends.size, lists.size);
  }
  for (const flow of flows) assert.equal(ends.head(flow), lists.get(flow)?.[0] ?? -1, `head of ${flow} at the end`);
  // The lists emptied one by one, the last few checked on the way: a bucket that saturated
  // while thousands of flows were in must not run dry while some still are.
  let left = lists.size;
  for (const [flow, list] of lists) {
    while (list.length > 1) {
      list.pop();
      ends.setTail(flow, list[list.length - 1]!);
    }
    ends.remove(flow);
    lists.delete(flow);
    if (--left < 50) for (const [other, rest] of lists) assert.equal(ends.head(other), rest[0], `head of ${other} with ${left} flows left`);
  }
  assert.equal(ends.size, 0);
  for (const flow of flows) assert.equal(ends.head(flow), -1);
}

describe('WaitEnds', () => {
  it('answers as a Map of lists does through 200,000 random joins, leaves and lookups', () => run(18, 7));
  it('the same with four count buckets: counts that saturate never hide a flow', () => run(2, 11));

  it('two count buckets of some 300 flows each, emptied one flow at a time: every flow still in keeps its head', () => {
    const ends = new WaitEnds(16, 1);
    const flows = Array.from({ length: 600 }, (_, i) => Math.imul(i + 1, 0x2545f491));
    flows.forEach((flow, i) => assert.equal(ends.append(flow, i), -1));
    for (let gone = 0; gone < flows.length; gone++) {
      ends.remove(flows[gone]!);
      for (let k = gone + 1; k < flows.length; k++) assert.equal(ends.head(flows[k]!), k, `flow ${k} with ${gone + 1} gone`);
      assert.equal(ends.head(flows[gone]!), -1);
    }
    assert.equal(ends.size, 0);
  });
});
