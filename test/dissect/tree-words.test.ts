// Where tshark's tree names a value with words of its own (a true/false string), -V uses the
// same words for the value tshark's JSON gives: ERSPAN type III's direction bit is Ingress (0)
// or Egress (1), not Set or Not set.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { TextBytes } from '../../src/dissect/text-bytes.js';
import { writeTreeBytes } from '../../src/dissect/tree-bytes.js';
import { loadPackets } from '../helpers/frames.js';
import { tsharkPackets, values } from '../helpers/tshark-json.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers/tcpdump', import.meta.url));
const NO_CORPUS = existsSync(CORPUS) ? false : `peer corpus not found at ${CORPUS}`;

/** Wireshark's words for erspan.direction (packet-erspan.c's true/false string). */
const DIRECTION: Record<string, string> = { '0': 'Ingress', '1': 'Egress' };

describe('-V words for named booleans', { skip: NO_CORPUS }, () => {
  for (const name of ['erspan-type-iii-ft-0.pcap', 'erspan-type-iii-ft-7.pcap', 'erspan-type-iii-pb-1.pcap']) {
    it(`${name}: ERSPAN's direction as tshark names its value`, async () => {
      const { packets, registry } = await loadPackets(`${CORPUS}/${name}`);
      const want = tsharkPackets(readFileSync(`${CORPUS}/${name}.tshark.json`, 'utf8')).map((p) =>
        values(p, 'erspan.direction').map((v) => `Direction: ${DIRECTION[v]}`),
      );
      const got = packets.map((pkt) => {
        const out = new TextBytes();
        writeTreeBytes(out, pkt, registry);
        const lines = out.buffer.toString('utf8', 0, out.length).split('\n');
        const from = lines.findIndex((l) => l.startsWith('Encapsulated Remote Switch Packet ANalysis'));
        const to = lines.findIndex((l, k) => k > from && !l.startsWith(' '));
        return from < 0
          ? []
          : lines
              .slice(from, to)
              .filter((l) => l.startsWith('    Direction: '))
              .map((l) => l.trim());
      });
      assert.ok(want.flat().length > 0, 'tshark names no direction here');
      assert.deepEqual(got, want);
    });
  }
});
