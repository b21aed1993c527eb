import { main } from './main.js';

// Nothing can be reported once standard error itself fails (2>/dev/full); it must not crash either.
process.stderr.on('error', () => undefined);

// The executable's whole job: run main and turn its result into the exit status.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`vxshark: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
