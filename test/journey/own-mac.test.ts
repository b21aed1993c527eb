// OwnMacLearner holds counts back in a small table and adds them to its tallies later: what it
// decides must be what counting every frame straight into the tallies decides, the bound on
// MACs per interface included. Where two MACs are both on most frames (a link between two
// hosts) only the host's files can tell which is its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction } from '../../src/capture/types.js';
import { OwnMacLearner } from '../../src/journey/own-mac.js';
import { prng } from '../helpers/prng.js';

const BROADCAST = 0xffffffffffff;
const MAX_MACS = 4096;
const SHARE = 0.6;
const TIE = 0.9;

/** Every frame counted straight into per-interface Maps, as the rule says. */
function expectedOwn(frames: readonly [string, number, number][]): Map<string, number> {
  const tallies = new Map<string, { frames: number; macs: Map<number, number> }>();
  for (const [iface, src, dst] of frames) {
    if (src === 0 && dst === 0) continue;
    let t = tallies.get(iface);
    if (!t) tallies.set(iface, (t = { frames: 0, macs: new Map() }));
    t.frames++;
    for (const mac of src === dst ? [src] : [src, dst]) {
      if (mac === 0 || mac === BROADCAST) continue;
      const n = t.macs.get(mac);
      if (n !== undefined) t.macs.set(mac, n + 1);
      else if (t.macs.size < MAX_MACS) t.macs.set(mac, 1);
    }
  }
  const own = new Map<string, number>();
  for (const [iface, t] of tallies) {
    const ranked = [...t.macs].sort((x, y) => y[1] - x[1]);
    const [best, second] = ranked;
    if (best && best[1] >= SHARE * t.frames && !(second && second[1] >= TIE * best[1])) own.set(iface, best[0]);
  }
  return own;
}

function check(frames: [string, number, number][]): void {
  const learner = new OwnMacLearner();
  for (const [iface, src, dst] of frames) learner.add(iface, src, dst);
  learner.finish();
  const own = expectedOwn(frames);
  const macs = new Set(frames.flatMap(([, s, d]) => [s, d]));
  for (const iface of new Set(frames.map(([i]) => i))) {
    for (const mac of macs) {
      if (mac === 0 || mac === BROADCAST) continue;
      const want = own.get(iface) === mac ? Direction.Outbound : Direction.Unknown;
      assert.equal(learner.direction(iface, mac, 1), want, `${iface} ${mac.toString(16)}`);
    }
  }
}

describe('OwnMacLearner', () => {
  it("on a link between two hosts, takes the MAC the host's files name, and guesses none without them", () => {
    const a = 0x0242ac120002;
    const b = 0x0242ac120003;
    // Every frame is between a and b, both on all of them, and b broadcasts ARP now and then.
    const frames: [string, number, number][] = [];
    for (let i = 0; i < 5000; i++) frames.push(i % 50 === 0 ? ['eth0', b, BROADCAST] : i % 2 === 0 ? ['eth0', b, a] : ['eth0', a, b]);
    check(frames);
    const bare = new OwnMacLearner();
    for (const [iface, s, d] of frames) bare.add(iface, s, d);
    bare.finish();
    assert.equal(bare.direction('eth0', b, a), Direction.Unknown);
    assert.equal(bare.direction('eth0', a, b), Direction.Unknown);
    // Its `ip link` lists a (among MACs this capture never shows).
    const listed = new OwnMacLearner({ macs: [0x0242ac12ffff, a], v4: [] });
    for (const [iface, s, d] of frames) listed.add(iface, s, d);
    listed.finish();
    assert.equal(listed.direction('eth0', a, b), Direction.Outbound);
    assert.equal(listed.direction('eth0', b, a), Direction.Inbound);
    // Its `ip route` names 10.0.0.2 as its own: frames from it carry a, frames to it a too.
    const routed = new OwnMacLearner({ macs: [], v4: [0x0a000002] });
    frames.forEach(([iface, s, d], i) => {
      routed.add(iface, s, d);
      if (i % 7 === 0) routed.addAddresses(iface, s, d, s === a ? 0x0a000002 : 0x0a000001, s === a ? 0x0a000001 : 0x0a000002);
    });
    routed.finish();
    assert.equal(routed.direction('eth0', a, b), Direction.Outbound);
    assert.equal(routed.direction('eth0', b, a), Direction.Inbound);
  });

  it('decides as counting each frame does, over random traffic on interfaces that share MACs', () => {
    const rnd = prng(7);
    for (let round = 0; round < 6; round++) {
      const frames: [string, number, number][] = [];
      const own = [0x0242ac110001 + round, 0x0242ac110101 + round, 0x0242ac110201];
      // More MACs than one interface keeps (4096) and than the learner holds back (1024).
      const pool = round < 3 ? 40 : 9000;
      for (let i = 0; i < 60_000; i++) {
        const k = Math.floor(rnd() * 3);
        const peer = 0x0a0000000000 + Math.floor(rnd() ** 3 * pool);
        const mine = rnd() < 0.7 - round * 0.05 ? own[k]! : 0x0b0000000000 + Math.floor(rnd() * pool);
        const dst = rnd() < 0.02 ? BROADCAST : peer;
        frames.push(rnd() < 0.5 ? [`eth${k}`, mine, dst] : [`eth${k}`, peer, mine]);
      }
      check(frames);
    }
  });
});
