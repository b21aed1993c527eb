// -z tables and -z follow compared with tshark 4.0 on the peer corpus; skipped without tshark or the corpus.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { vxshark } from '../helpers/cli.js';
import { hasTshark, NO_TSHARK } from '../helpers/tshark.js';

// The peer corpus (../shared, beside the repository): public captures of many protocols and
// overlays, some damaged. The BIG TCP captures and the jumbogram carry IP length 0, which vxshark
// decodes and tshark does not (README), so their inner layers count in vxshark's tables only.
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const LENGTH_ZERO = /^bigtcp-|^ipv6_missing_jumbo_payload_option/;
// Its third packet is older than its second: io,stat puts it in its own interval, tshark in the latest.
const OUT_OF_ORDER = new Set(['timestamp_invalid_micro.pcap']);

describe('-z conv, endpoints, io,stat and follow,tcp match tshark 4.0 on the peer corpus', () => {
  const files = existsSync(CORPUS)
    ? readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((f) => /\.pcap(ng)?$/.test(f) && !LENGTH_ZERO.test(basename(f)))
    : [];
  if (files.length === 0) it('skipped: the peer corpus (../shared/corpus/peers) is not beside the repository', (t) => t.skip());
  for (const f of files) {
    it(f, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      const file = join(CORPUS, f);
      const tables = ['conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp'];
      if (!OUT_OF_ORDER.has(basename(f))) tables.push('io,stat,0.5,ip', 'io,stat,0');
      // The first two TCP streams (an empty one where there are fewer), each mode that shows the bytes differently.
      tables.push('follow,tcp,ascii,0', 'follow,tcp,hex,0', 'follow,tcp,yaml,1');
      const z = tables.flatMap((x) => ['-z', x]);
      const theirs = spawnSync('tshark', ['-d', 'udp.port==8472,vxlan', '-r', file, '-q', ...z], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      // Files tshark cannot open (bad headers) are refused by vxshark too, with its own message.
      const ours = await vxshark(['-r', file, '-q', ...z]);
      if (theirs.status !== 0 && theirs.stdout === '') return assert.notEqual(ours.status, 0);
      assert.equal(ours.stdout, theirs.stdout);
    });
  }
});
