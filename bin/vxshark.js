#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
// The command line is bundled into dist/ by `npm install` (or `npm run build`).
const dist = new URL('../dist/', import.meta.url);
try {
  await import(new URL('cli/vxshark.mjs', dist).href);
} catch (e) {
  // Not built, or being rebuilt: one line instead of a stack trace.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(dist.pathname)) throw e;
  process.stderr.write(`vxshark: ${dist.pathname} is not built: run npm install (or npm run build) in ${new URL('..', dist).pathname}\n`);
  process.exit(1);
}
