import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { EXIT_USAGE } from '../errors.js';
import { capinfo } from './commands/capinfo.js';
import { Output, reportFailure, warn } from './io.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// yargs drops a bare "-" from positional lists, so it travels under another name.
const STDIN_TOKEN = '\u0000stdin';
const fromToken = (v: string): string => (v === STDIN_TOKEN ? '-' : v);

/** Parses the command line and dispatches; returns the exit status. Only parsing lives here. */
export async function main(argv: string[]): Promise<number> {
  const out = new Output();
  let status: number | undefined;
  let usageError: string | undefined;
  const parser = yargs(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('vxshark')
    .usage('vxshark: read captures of overlay networks (VXLAN, GENEVE) like tshark, with a terminal UI\n\nUsage: $0 <command> [options]')
    .command(
      'capinfo <files..>',
      'summarize capture files: format, link types, packets, time span, interfaces',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'pcap or pcapng files ("-" for standard input)' })
          .option('json', { type: 'boolean', default: false, describe: 'one JSON object per file' }),
      async (args) => {
        status = await capinfo({ files: (args.files as string[]).map(fromToken), json: args.json }, out);
      },
    )
    .demandCommand(1, 'no command given (try: vxshark capinfo FILE, or vxshark --help)')
    .strict()
    .version(packageVersion())
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, err) => {
      if (err) throw err;
      usageError = message;
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    await out.drain();
    return reportFailure(e);
  }
  await out.drain();
  if (usageError !== undefined) {
    warn(usageError);
    return EXIT_USAGE;
  }
  return status ?? 0;
}
