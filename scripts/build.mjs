#!/usr/bin/env node
// `npm run build`: dist/ from scratch, so a source file that was deleted or renamed leaves no
// stale module (or source map) behind to be packed or imported. Then the command line as a
// bundle (dist/cli/vxshark.mjs, what bin/vxshark.js runs): Node resolves and reads a few files
// instead of over two hundred modules. Each command's own code (the analysis, the journey
// engine, the terminal UI...) is a chunk loaded when that command runs, so `vxshark -r F -x`
// does not pay for parsing the rest. The library (dist/index.js) and the UI's analysis worker
// stay separate modules; blessed stays a package (it loads its terminfo at run time).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
require('esbuild').buildSync({
  // -V's printing worker (print-share.ts) is an entry of its own, sharing the chunks.
  entryPoints: { vxshark: 'dist/cli/run.js', 'print-worker': 'dist/cli/print/print-worker.js' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  // Chunks sit beside the entry: the UI finds its analysis worker at ../ui/ from there.
  chunkNames: '[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['blessed'],
  // yargs measures its help text with string-width, whose loading costs 20 ms (see text-width.ts).
  alias: { 'string-width': './dist/cli/text-width.js' },
  logLevel: 'warning',
});
