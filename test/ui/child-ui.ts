// Runs the UI headless in a child process for the lifecycle tests that need a real signal or
// a real uncaught exception. Prints one JSON line describing what happened, then exits with
// the UI's status. Usage: node --import tsx test/ui/child-ui.ts error|sigterm|stdin [file]
import { Writable } from 'node:stream';
import { runUi } from '../../src/ui/index.js';
import { FakeInput, FakeOutput, screenLines } from '../../src/ui/headless.js';

const mode = process.argv[2];
const file = process.argv[3] ?? new URL('../../samples/cilium-vxlan-8472.pcap', import.meta.url).pathname;
const input = new FakeInput();
const output = new FakeOutput(120, 30, true);
const events: string[] = [];
let restoredBeforeError: boolean | undefined;
const stderr = new Writable({
  write(chunk: Buffer, _e, cb) {
    restoredBeforeError ??= output.text().includes('\x1b[?1049l');
    events.push(`stderr:${chunk.toString()}`);
    cb();
  },
});
let screen: string[] = [];
// Fake streams hold no handle open; a real terminal would keep the process waiting for keys.
const keepAlive = setInterval(() => undefined, 1000);
let firstRowsBeforeLoaded: boolean | undefined;
/** The status line when alerts first showed while standard input was still open. */
let liveStatus: string | undefined;

const status = await runUi({
  file,
  ifnames: new Map(),
  input,
  output,
  stderr,
  terminal: 'xterm-256color',
  onReady: (ui) => {
    if (mode === 'error') {
      setTimeout(() => {
        screen = screenLines(ui.screen.lines);
        throw new Error('boom from a handler');
      }, 50);
    } else if (mode === 'sigterm') {
      void ui.idle().then(() => {
        screen = screenLines(ui.screen.lines);
        process.stdout.write('ready\n');
      });
    } else if (mode === 'stdin') {
      let announced = false;
      const poll = setInterval(() => {
        if (!announced && ui.marks.firstRows !== undefined) {
          announced = true;
          process.stdout.write('rows\n');
        }
        if (liveStatus === undefined && ui.marks.loaded === undefined && ui.app.analysis?.alerts.length) {
          liveStatus = screenLines(ui.screen.lines).at(-1);
          process.stdout.write('alerts\n');
        }
        if (ui.marks.loaded === undefined) return;
        clearInterval(poll);
        void ui.idle().then(() => {
          screen = screenLines(ui.screen.lines);
          firstRowsBeforeLoaded = ui.marks.firstRows !== undefined && ui.marks.firstRows < ui.marks.loaded!;
          ui.quit();
        });
      }, 10);
    }
  },
});
clearInterval(keepAlive);
process.stdout.write(
  JSON.stringify({
    status,
    rawAfter: input.isRaw,
    restored: output.text().includes('\x1b[?1049l'),
    restoredBeforeError,
    stderr: events.join(''),
    screen,
    firstRowsBeforeLoaded,
    liveStatus,
  }) + '\n',
);
process.exitCode = status;
