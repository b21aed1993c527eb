// Copies a capture with every time stamp moved by a number of seconds, to play a host whose clock
// is off. The lab's namespaces share one realtime clock, so a skewed node has to be made after
// recording: `node --import tsx scripts/shift-clock.ts IN OUT SECONDS` (SECONDS may be negative
// and fractional, to the nanosecond). Frames, interfaces and format are kept; OUT must not exist.
import { loadCapture } from '../src/capture/capture.js';
import { CaptureWriter } from '../src/capture/writer.js';

const NS_PER_SEC = 1_000_000_000n;

/** Seconds as a decimal string to nanoseconds, exactly ("3.2" is 3 200 000 000, not 3.2000000000000002e9). */
export function parseShift(text: string): bigint {
  const m = /^([+-]?)(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`shift must be seconds like 3.2 or -0.5 (up to 9 decimals), not '${text}'`);
  const ns = BigInt(m[2]!) * NS_PER_SEC + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] === '-' ? -ns : ns;
}

export async function shiftClock(input: string, output: string, shiftNs: bigint): Promise<number> {
  const capture = await loadCapture(input);
  try {
    const first = capture.interfaces[0];
    const nano = first !== undefined && first.tsResolution.base === 10 && first.tsResolution.exponent === 9;
    const writer = new CaptureWriter(output, capture.info!.format, capture.interfaces, nano);
    const { index } = capture;
    for (let i = 0; i < capture.frameCount; i++) {
      const t = BigInt(index.secondsOf(i)) * NS_PER_SEC + BigInt(index.nanosOf(i)) + shiftNs;
      if (t < 0n) throw new Error(`frame ${i + 1} would be before 1970`);
      writer.write({
        data: capture.frame(i),
        origLen: index.origLenOf(i),
        sec: Number(t / NS_PER_SEC),
        nsec: Number(t % NS_PER_SEC),
        interfaceId: index.interfaceOf(i),
        direction: index.directionOf(i),
      });
    }
    writer.close();
    return capture.frameCount;
  } finally {
    capture.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output, shift] = process.argv.slice(2);
  if (!input || !output || shift === undefined) {
    process.stderr.write('usage: node --import tsx scripts/shift-clock.ts IN OUT SECONDS\n');
    process.exit(2);
  }
  try {
    const n = await shiftClock(input, output, parseShift(shift));
    process.stderr.write(`shift-clock: ${n} frames of ${input} moved by ${shift} s into ${output}\n`);
  } catch (e) {
    process.stderr.write(`shift-clock: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
