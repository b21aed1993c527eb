// The terminal UI's entry point: `runUi` opens the capture, shows the first screen as soon
// as its header is read (the list fills while the index is still being built), and returns
// the exit status once the user quits, with the terminal restored.
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { loadCapture, loadStream, type Capture, type LoadOptions } from '../capture/capture.js';
import { startLiveCapture, type LiveCapture } from '../capture/live.js';
import type { LoadedContext } from '../context/load.js';
import type { DecodeAsRule } from '../dissect/registry.js';
import type { HostOptions } from '../analysis/options.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, VxError, msg } from '../errors.js';
import { App, type UiMarks } from './app.js';
import type { Screen, TerminalInput, TerminalOutput } from './blessed.js';
import { createScreen, TerminalGuard } from './screen.js';
import { chooseDepth, Theme, type ColorDepth, type ThemeName } from './theme.js';
import { ConfigStore } from './config.js';
import type { MergedCaptures } from './multi-capture.js';

export interface UiOptions {
  /** Capture file, or "-" for standard input (then keys are read from /dev/tty); ignored with `live`. */
  file: string;
  /** Capture live from these interfaces (tcpdump or dumpcap writing to vxshark, as `-i` does when printing). */
  live?: { interfaces: string[]; captureFilter?: string };
  /** Extra decode-as rules (`-d udp.port==9000,vxlan`). */
  decodeAs?: DecodeAsRule[];
  /** Heuristic dissectors (VXLAN on unusual ports); on unless false. */
  heuristics?: boolean;
  /** SLL2 interface index -> name (`--ifname`, `--ip-link`). */
  ifnames: ReadonlyMap<number, string>;
  /** What the user said of the capturing host (--ip-link, --ip-route, --pod-cidr, --uplink), for the analysis views. */
  host?: HostOptions;
  /** The Kubernetes/Cilium context (`--context`) and whether names are shown. */
  context?: LoadedContext;
  /** Keyboard; defaults to standard input, or /dev/tty when standard input is the capture. */
  input?: TerminalInput;
  /** Terminal; defaults to standard output. */
  output?: TerminalOutput;
  /** Where errors are reported once the terminal is restored; defaults to standard error. */
  stderr?: NodeJS.WritableStream;
  /** Force a palette (256, 16, or 0 for none); NO_COLOR always wins. */
  colors?: ColorDepth;
  /** terminfo name; defaults to $TERM. */
  terminal?: string;
  /** Colours for a dark or a light terminal background; the saved setting (else dark) when absent. */
  theme?: ThemeName;
  /** The settings file (columns, theme, recent filters); none is read or written when absent. */
  config?: string;
  /** Called once the screen exists: lets tests and benchmarks drive and observe the UI. */
  onReady?: (ui: UiHandle) => void;
  /** Run the analysis worker (on unless false; the fuzzer drives the views without it). */
  analysis?: boolean;
  /** Several captures merged into `file` (`vxshark A B C`): a Capture column and the Journey view. */
  merged?: MergedCaptures;
}

/** What tests and benchmarks get to drive and observe a running UI. */
export interface UiHandle {
  screen: Screen;
  app: App;
  marks: UiMarks;
  /** Resolves after the next render. */
  nextRender(): Promise<void>;
  /** Resolves once loading, filtering and rendering have all settled. */
  idle(): Promise<void>;
  quit(): void;
}

function openKeyboard(): { input: TerminalInput; close: () => void } {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r');
  } catch (e) {
    throw new VxError('usage', msg.uiNoKeyboard((e as NodeJS.ErrnoException).code ?? String(e)));
  }
  const input = new ReadStream(fd);
  return { input, close: () => input.destroy() };
}

function report(stderr: NodeJS.WritableStream, e: unknown): number {
  if (e instanceof VxError) {
    stderr.write(`vxshark: ${e.message}\n`);
    return e.exitCode;
  }
  stderr.write(`vxshark: internal error in the terminal UI: ${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT_INPUT;
}

/** Runs the terminal UI on a capture; resolves with the exit status. */
export async function runUi(opts: UiOptions): Promise<number> {
  const stderr = opts.stderr ?? process.stderr;
  const output: TerminalOutput = opts.output ?? process.stdout;
  if (!output.isTTY) {
    stderr.write(`vxshark: ${msg.uiNeedsTerminal()}\n`);
    return EXIT_USAGE;
  }
  let source: LiveCapture | undefined;
  if (opts.live) {
    try {
      source = startLiveCapture(opts.live.interfaces, opts.live.captureFilter);
    } catch (e) {
      return report(stderr, e);
    }
  }
  const live = source;
  const fromStdin = opts.file === '-' && !live;
  let input = opts.input;
  let closeKeyboard: (() => void) | undefined;
  if (!input) {
    if (fromStdin || !process.stdin.isTTY) {
      try {
        const kb = openKeyboard();
        input = kb.input;
        closeKeyboard = kb.close;
      } catch (e) {
        return report(stderr, e);
      }
    } else input = process.stdin;
  }
  const keyboard = input;

  return new Promise<number>((resolve) => {
    let app: App | undefined;
    let guard: TerminalGuard | undefined;
    let capture: Capture | undefined;
    let stopped = false;
    let settled = false;
    const done = (status: number): void => {
      if (settled) return;
      settled = true;
      resolve(status);
    };

    const startUi = (): App => {
      if (app) return app;
      const screen = createScreen({ input: keyboard, output, ...(opts.terminal ? { terminal: opts.terminal } : {}) });
      const settings = ConfigStore.open(opts.config);
      const theme = new Theme(
        chooseDepth(process.env, screen.program.tput.colors, opts.colors, opts.terminal ?? process.env.TERM),
        opts.theme ?? settings.store.config.theme ?? 'dark',
      );
      const g = new TerminalGuard(screen, stderr);
      guard = g;
      const a = new App(screen, {
        file: live ? msg.uiLiveName(opts.live!.interfaces) : opts.merged ? opts.merged.names.join(' + ') : opts.file,
        ...(opts.merged ? { merged: opts.merged } : {}),
        registry: {
          decodeAs: opts.decodeAs ?? [],
          heuristics: opts.heuristics ?? true,
          ...(opts.context?.context ? { context: opts.context.context, names: opts.context.names } : {}),
        },
        contextPaths: opts.context?.context ? opts.context.paths : [],
        ifnames: opts.ifnames,
        ...(opts.host ? { host: opts.host } : {}),
        theme,
        config: settings.store,
        ...(settings.problem ? { configProblem: settings.problem } : {}),
        follow: fromStdin || live !== undefined,
        analysis: opts.analysis ?? true,
        quit: () => g.finish({ kind: 'quit' }, EXIT_OK),
      });
      app = a;
      g.onRestore(() => {
        stopped = true;
        live?.stop();
        a.dispose();
        closeKeyboard?.();
        // A pipe that never ends must not keep the process alive after the user quit.
        if (fromStdin) process.stdin.destroy();
      });
      void g.done.then((status) => {
        if (capture?.complete) capture.close();
        opts.merged?.remove();
        done(status);
      });
      a.draw();
      opts.onReady?.(handle(screen, a, g));
      return a;
    };

    // Standard input or a capture tool may take a while to deliver a header: show the screen meanwhile.
    const early = fromStdin || live ? setTimeout(() => startUi(), 150) : undefined;

    const loadOpts: LoadOptions = {
      onStart: (c) => {
        capture = c;
        if (early) clearTimeout(early);
        startUi().attach(c);
      },
      onProgress: () => app?.grew(),
      shouldStop: () => stopped,
    };
    const loading = live
      ? loadStream(live.stream, loadOpts, msg.uiLiveName(opts.live!.interfaces)).then(
          async (c) => {
            // The tool ended by itself (an interface gone, a filter it refused): say why.
            await live.exited.catch((e: unknown) => app?.setMessage((e as Error).message, 'error'));
            return c;
          },
          async (e: unknown) => {
            // Nothing arrived: the tool's own reason is the one to show.
            await live.exited;
            throw e;
          },
        )
      : loadCapture(opts.file, loadOpts);
    loading.then(
      (c) => {
        capture = c;
        if (early) clearTimeout(early);
        if (stopped || guard?.isFinished) {
          c.close();
          return;
        }
        const a = startUi();
        if (!a.capture) a.attach(c);
        a.loaded();
      },
      (e: unknown) => {
        if (early) clearTimeout(early);
        if (guard) {
          // The screen is up: restore the terminal, then report.
          guard.finish({ kind: 'error', error: e }, e instanceof VxError ? e.exitCode : EXIT_INPUT);
          return;
        }
        closeKeyboard?.();
        done(report(stderr, e));
      },
    );
  });
}

function handle(screen: Screen, app: App, guard: TerminalGuard): UiHandle {
  return {
    screen,
    app,
    marks: app.marks,
    nextRender: () => app.nextRender(),
    async idle() {
      for (let i = 0; i < 10_000 && !guard.isFinished; i++) {
        if (!app.busy) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    quit: () => guard.finish({ kind: 'quit' }, EXIT_OK),
  };
}

export type { UiMarks } from './app.js';
