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

export async function benchJourney(file: string, packets: number): Promise<void> {
  const copies = [file, ...(await Promise.all([1, 2, 3].map((ms) => shiftedCopy(file, ms))))];
  section(`Journey: 4 captures of ${packets.toLocaleString('en-US')} packets each (many-flow capture, clocks +0/+1/+2/+3 ms)`);
  const one = measure(vxshark('alerts', file));
  row('alerts, one capture: time', one.ms, 'ms', undefined, 0);
  const four = measure(vxshark('journey', '--summary', ...copies.map((f, i) => `h${i}=${f}`)));
  row('journey --summary, four captures: time', four.ms, 'ms', undefined, 0);
  row('journey --summary: peak RSS', four.rssMb, 'MB', undefined, 0);
  row('journey time / alerts time', four.ms / one.ms, 'x', { kind: 'max', value: 4 });
  note('the issue asks for the journey of 4 x N packets in at most 4 times the analysis of N');
}
