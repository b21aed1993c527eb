// `vxshark -i IFACE` on a terminal: the UI on a live capture (tcpdump writing to vxshark), the
// list following the newest packet and the analysis filling in while packets arrive. Needs
// root and tcpdump; skipped otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { startUi } from './helpers.js';

const canCapture =
  process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0
    ? false
    : 'needs root and tcpdump for a live capture on lo';

describe('live capture in the UI', () => {
  it('shows packets from lo while they arrive, follows the newest, and stops tcpdump on quit', { skip: canCapture, timeout: 60_000 }, async () => {
    const port = 40000 + (process.pid % 20000);
    const ui = await startUi('-', { cols: 120, rows: 30, live: { interfaces: ['lo'], captureFilter: `udp port ${port}` } });
    const sock = createSocket('udp4');
    let sent = 0;
    const timer = setInterval(() => sock.send(`live ${sent++}`, port, '127.0.0.1'), 100);
    try {
      let text = '';
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await ui.handle.nextRender();
        text = ui.text();
        if (/127\.0\.0\.1 +→ 127\.0\.0\.1 .*UDP/.test(text) && /\b[5-9] packets|\b\d{2,} packets/.test(text)) break;
      }
      assert.match(text, /127\.0\.0\.1 +→ 127\.0\.0\.1 .*UDP/);
      const status = ui.lines().at(-1)!;
      assert.match(status, /live: lo/);
      assert.match(status, /following/);
      // The analysis runs on what has arrived (at most once a second): the flow is listed before the capture ends.
      // (press() would wait for the UI to be idle, which a live capture never is.)
      ui.input.write('4');
      for (let i = 0; i < 100 && !ui.text().includes(String(port)); i++) {
        await new Promise((r) => setTimeout(r, 50));
        await ui.handle.nextRender();
      }
      assert.match(ui.text(), new RegExp(`127\\.0\\.0\\.1.*${port}`));
    } finally {
      clearInterval(timer);
      sock.close();
      await ui.quit();
    }
    // tcpdump was asked to stop with the UI: none is left capturing on this port.
    await new Promise((r) => setTimeout(r, 300));
    const ps = spawnSync('pgrep', ['-f', `tcpdump -i lo .*udp port ${port}`], { encoding: 'utf8' });
    assert.equal(ps.stdout.trim(), '', 'tcpdump still running');
  });
});
