// tshark as a test oracle: whether it is installed, the captures compared with it, and how it is run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
export const NO_TSHARK = 'tshark is not installed; the comparison with its tables is skipped';

/** The project's samples and lab recordings. */
export const CAPTURES = [
  ...readdirSync('samples')
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => `samples/${f}`),
  ...readdirSync('samples/lab-recordings')
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => `samples/lab-recordings/${f}`),
];

/** tshark's standard output for args; vxshark decodes 8472 as VXLAN by default, tshark needs to be told. */
export function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-d', 'udp.port==8472,vxlan', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// tunnel-mtu-router-any.pcap has fragmented tunnel packets: vxshark counts the UDP header a
// first fragment carries, tshark only the reassembled datagram's (README, deliberate differences).
export const FRAGMENTED = new Set(['samples/lab-recordings/tunnel-mtu-router-any.pcap']);
