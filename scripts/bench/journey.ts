// Journey benchmark (issue 13): the same many-flow capture seen by four "hosts" (the file and
// three copies whose clocks run 1, 2 and 3 ms ahead, so every packet is shared by all four and
// the clock estimate has work to do). `vxshark journey --summary` over the four against
// `vxshark alerts` over one: the target is at most 4x, and memory bounded by the indexes.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shiftClock } from '../shift-clock.js';
import { note, row, section } from './harness.js';
import { measure, vxshark } from './pipes.js';

async function shiftedCopy(file: string, ms: number): Promise<string> {
  const out = join(
    tmpdir(),
    `${file
      .split('/')
      .pop()!
      .replace(/\.pcap$/, '')}-plus${ms}ms.pcap`,
  );
  if (!existsSync(out)) await shiftClock(file, out, BigInt(ms) * 1_000_000n);
  return out;
}

/** Median wall time of the runs (the middle one, the lower for an even count). */
function median(ms: number[]): number {
  return [...ms].sort((a, b) => a - b)[Math.floor((ms.length - 1) / 2)]!;
}

/**
 * One size: `alerts` on the capture and `journey --summary` over the four, taken in turn run
 * after run (the machine's speed drifts: pairing keeps the ratio honest), medians of `runs`.
 * With `target`, the ratio is held to the 4x.
 */
export async function benchJourney(file: string, packets: number, runs: number, target: boolean): Promise<void> {
  const copies = [file, ...(await Promise.all([1, 2, 3].map((ms) => shiftedCopy(file, ms))))];
  section(`Journey: 4 captures of ${packets.toLocaleString('en-US')} packets each (many-flow capture, clocks +0/+1/+2/+3 ms, median of ${runs})`);
  const one: number[] = [];
  const four: number[] = [];
  let rssMb = 0;
  for (let r = 0; r < runs; r++) {
    one.push(measure(vxshark('alerts', file)).ms);
    const j = measure(vxshark('journey', '--summary', ...copies.map((f, i) => `h${i}=${f}`)));
    four.push(j.ms);
    rssMb = Math.max(rssMb, j.rssMb);
  }
  note(`alerts runs ${one.map((ms) => ms.toFixed(0)).join(', ')} ms; journey runs ${four.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  row('alerts, one capture: time', median(one), 'ms', undefined, 0);
  row('journey --summary, four captures: time', median(four), 'ms', undefined, 0);
  row('journey --summary: peak RSS', rssMb, 'MB', undefined, 0);
  row('journey time / alerts time', median(four) / median(one), 'x', target ? { kind: 'max', value: 4 } : undefined);
  note(
    target
      ? 'the issue asks for the journey of 4 captures of 1M packets in at most 4 times the analysis of one'
      : "a smaller size, for comparison (alerts' start-up weighs more here): the target is held at the issue's size",
  );
}
