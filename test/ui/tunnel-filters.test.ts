// Enter on a Tunnels row filters the list to that tunnel: for every tunnel of every sample,
// the row's filter must select exactly the packets the row counts (ids in their own notation,
// a WireGuard handshake without a receiver apart from the data packets).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { vxshark } from '../helpers/cli.js';
import { SAMPLES, startUi } from './helpers.js';

const captures = readdirSync(SAMPLES).filter((f) => /\.pcapn?g?$/.test(f));

describe('tunnel row filters', () => {
  for (const name of captures) {
    it(`select each tunnel's packets in ${name}`, async () => {
      const ui = await startUi(SAMPLES + name);
      let tunnels;
      try {
        tunnels = ui.handle.app.analysis!.tunnels;
      } finally {
        await ui.quit();
      }
      for (const t of tunnels) {
        const r = await vxshark(['-r', SAMPLES + name, '-Y', t.filter, '-T', 'fields', '-e', 'frame.number']);
        assert.equal(r.status, 0, r.stderr);
        const frames = r.stdout.split('\n').filter(Boolean);
        assert.equal(frames.length, t.packets, `${t.kind} ${t.src} → ${t.dst} ${t.idText}: ${t.filter}`);
      }
    });
  }
});
