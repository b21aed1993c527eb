// Creates the blessed screen and guarantees the terminal is given back in a usable state:
// on quit, on Ctrl-C, on SIGTERM/SIGHUP, and on an uncaught error (whose message is
// printed only after the terminal is restored, so it is not lost in the alternate screen).
import { blessed, type Screen, type TerminalInput, type TerminalOutput } from './blessed.js';

export interface ScreenSetup {
  input: TerminalInput;
  output: TerminalOutput;
  /** terminfo name; defaults to $TERM (or xterm). */
  terminal?: string;
}

/** The terminfo entry to use: $TERM unless it is missing or "dumb". */
export function terminalName(env: NodeJS.ProcessEnv, explicit?: string): string {
  const t = explicit ?? env.TERM;
  return !t || t === 'dumb' ? 'xterm' : t;
}

export function createScreen(setup: ScreenSetup): Screen {
  const screen = blessed().screen({
    input: setup.input,
    output: setup.output,
    terminal: terminalName(process.env, setup.terminal),
    smartCSR: true,
    fullUnicode: false,
    // The box-drawing and arrow characters are drawn as they are; every terminal vxshark
    // targets is UTF-8, and capture text never reaches the screen unescaped anyway.
    forceUnicode: true,
    // Terminfo problems are handled (terminfo.ts); nothing is shown as a popup.
    warnings: false,
    autoPadding: false,
    sendFocus: false,
    resizeTimeout: 30,
    title: 'vxshark',
  });
  // blessed re-emits its warnings ("Terminfo parse error", "Output is not a TTY") on the
  // screen; with `warnings: false` they are only events, and vxshark has no use for them.
  screen.on('warning', () => undefined);
  // Box-drawing characters go out as UTF-8, not through the terminal's alternate character
  // set: the same bytes everywhere (tmux capture-pane, logs) and no charset state to leak.
  screen.program.tput.brokenACS = true;
  return screen;
}

export type ExitReason = { kind: 'quit' } | { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'error'; error: unknown };

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

/** Exit status for a signal: 128 + its number, as shells report it. */
function signalStatus(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 15);
}

/**
 * Owns the process-level hooks while the UI runs. `finish` restores the terminal once,
 * removes every hook, then reports an error (if any) and resolves with the exit status.
 */
export class TerminalGuard {
  private finished = false;
  private readonly handlers: [string, (...args: never[]) => void][] = [];
  readonly done: Promise<number>;
  private resolve!: (status: number) => void;
  private readonly restoreHooks: (() => void)[] = [];

  constructor(
    private readonly screen: Screen,
    private readonly stderr: NodeJS.WritableStream,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    for (const sig of SIGNALS) this.hook(sig, () => this.finish({ kind: 'signal', signal: sig }));
    this.hook('uncaughtException', (e: unknown) => this.finish({ kind: 'error', error: e }));
    this.hook('unhandledRejection', (e: unknown) => this.finish({ kind: 'error', error: e }));
  }

  /** Runs before the screen is torn down (stop timers, close files, release the keyboard). */
  onRestore(fn: () => void): void {
    this.restoreHooks.push(fn);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private hook(event: string, fn: (...args: never[]) => void): void {
    process.on(event as 'SIGTERM', fn as () => void);
    this.handlers.push([event, fn]);
  }

  finish(reason: ExitReason, status?: number): void {
    if (this.finished) return;
    this.finished = true;
    for (const fn of this.restoreHooks) {
      try {
        fn();
      } catch {
        // Restoring the terminal matters more than a failing clean-up step.
      }
    }
    try {
      if (!this.screen.destroyed) this.screen.destroy();
    } catch {
      // A half-destroyed screen must not stop the error report below.
    }
    for (const [event, fn] of this.handlers) process.removeListener(event as 'SIGTERM', fn as () => void);
    let code = status ?? 0;
    if (reason.kind === 'signal') code = status ?? signalStatus(reason.signal);
    if (reason.kind === 'error') {
      code = status ?? 1;
      this.stderr.write(describeError(reason.error));
    }
    this.resolve(code);
  }
}

function describeError(e: unknown): string {
  const err = e as Error & { kind?: string };
  if (err?.name === 'VxError') return `vxshark: ${err.message}\n`;
  const stack = err?.stack ?? String(e);
  return `vxshark: internal error in the terminal UI: ${err?.message ?? String(e)} (please report this)\n${stack}\n`;
}
