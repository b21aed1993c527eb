// Manual cross-check against the real tshark (not run by the test suite): prints every
// capture of the peer corpus where our compiled filter and `tshark -Y` select different frames.
//   node --import tsx test/filter/tshark-crosscheck.ts 'ip.src != 10.0.0.1' 'tcp.port in {22, 80}'
// Captures with deliberate dissection differences (BIG TCP, SLL2) are skipped, as in
// agreement.test.ts. tshark 4.0 rejects space-separated sets ({1 2 3}); use commas here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCapture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { compileFilter } from '../../src/filter/index.js';
import { execFileSync } from 'node:child_process';
const C = new URL('../../../shared/corpus/peers', import.meta.url).pathname;
const filters = process.argv.slice(2);
const r = createRegistry();
let diffs = 0,
  checks = 0;
for (const dir of ['tcpdump', 'libpcap', 'zeek'])
  for (const n of readdirSync(join(C, dir))) {
    if (!n.endsWith('.tshark.json') || n.startsWith('bigtcp') || n.includes('sll2')) continue;
    const f = join(C, dir, n.replace('.tshark.json', ''));
    const cap = await loadCapture(f);
    const pk = Array.from({ length: cap.frameCount }, (_, i) => dissect(Uint8Array.from(cap.frame(i)), frameMeta(cap, i, new Map()), r));
    cap.close();
    for (const flt of filters) {
      const ours = pk
        .filter(compileFilter(flt, r))
        .map((p) => p.frame.number)
        .join(' ');
      let ts = '';
      try {
        ts = execFileSync('tshark', ['-r', f, '-d', 'udp.port==8472,vxlan', '-Y', flt, '-T', 'fields', '-e', 'frame.number'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        })
          .toString()
          .trim()
          .split('\n')
          .filter(Boolean)
          .join(' ');
      } catch {
        ts = 'ERR';
      }
      checks++;
      if (ours !== ts) {
        diffs++;
        console.log(`${dir}/${n}: ${flt}\n  ours:   ${ours}\n  tshark: ${ts}`);
      }
    }
  }
console.log(`${checks} checks, ${diffs} differences`);
