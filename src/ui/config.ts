// The terminal UI's saved settings: the packet list's extra columns, the theme, and the
// display filters applied recently, in $XDG_CONFIG_HOME/vxshark/config.json (~/.config when
// unset). A missing file means the defaults; a broken one is reported and left untouched (the
// UI then does not overwrite it); a write that fails is reported once and the UI goes on.
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { msg } from '../errors.js';
import type { ThemeName } from './theme.js';

export interface UiConfig {
  /** Extra packet-list columns: display-filter field names (`inner.` / `outer.` pick one header). */
  columns: string[];
  theme?: ThemeName;
  /** Display filters applied, oldest first (the filter bar's ↑ ↓ history). */
  recentFilters: string[];
}

const RECENT_FILTERS = 50;
const MAX_COLUMNS = 16;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'vxshark', 'config.json');
}

export interface LoadedConfig {
  config: UiConfig;
  /** Why the file could not be used (shown once in the status bar); the file is then never written. */
  problem?: string;
}

const strings = (v: unknown, limit: number): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length < 2000).slice(-limit) : [];

function loadConfig(path: string): LoadedConfig {
  const empty: UiConfig = { columns: [], recentFilters: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: empty };
    return { config: empty, problem: msg.uiConfigUnreadable(path, (e as Error).message) };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { config: empty, problem: msg.uiConfigBroken(path, (e as Error).message) };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { config: empty, problem: msg.uiConfigBroken(path, 'not a JSON object') };
  const o = data as Record<string, unknown>;
  const config: UiConfig = { columns: strings(o.columns, MAX_COLUMNS), recentFilters: strings(o.recentFilters, RECENT_FILTERS) };
  if (o.theme === 'dark' || o.theme === 'light') config.theme = o.theme;
  return { config };
}

/** Writes the whole file anew (a temporary file renamed over it); returns why it failed, if it did. */
function saveConfig(path: string, config: UiConfig): string | undefined {
  let tmp: string | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // A symlinked settings file (dotfile managers) is written where it points.
    let target = path;
    try {
      target = realpathSync(path);
    } catch {
      // not there yet
    }
    tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, target);
    return undefined;
  } catch (e) {
    if (tmp !== undefined) rmSync(tmp, { force: true });
    return msg.uiConfigUnwritable(path, (e as Error).message);
  }
}

/** Keeps a filter at the end of the recent list (once), dropping the oldest past the limit. */
function rememberFilter(list: string[], text: string): string[] {
  if (!text) return list;
  return [...list.filter((t) => t !== text), text].slice(-RECENT_FILTERS);
}

/**
 * The loaded settings and where they go back; without a path nothing is read or written. Two
 * UIs may run at once: each save reads the file again and changes only what this one changed
 * (its columns, if it changed them; the filters it applied, added to the list).
 */
export class ConfigStore {
  private failed = false;
  private columnsChanged = false;
  private readonly applied: string[] = [];

  constructor(
    private readonly path: string | undefined,
    readonly config: UiConfig,
    /** The file exists but could not be read: it is not overwritten. */
    private readonly frozen: boolean,
  ) {}

  static open(path: string | undefined): { store: ConfigStore; problem?: string } {
    if (path === undefined) return { store: new ConfigStore(undefined, { columns: [], recentFilters: [] }, true) };
    const { config, problem } = loadConfig(path);
    return { store: new ConfigStore(path, config, problem !== undefined), ...(problem ? { problem } : {}) };
  }

  setColumns(columns: readonly string[]): string | undefined {
    this.config.columns = [...columns];
    this.columnsChanged = true;
    return this.save();
  }

  rememberFilter(text: string): string | undefined {
    if (!text) return undefined;
    this.config.recentFilters = rememberFilter(this.config.recentFilters, text);
    this.applied.push(text);
    return this.save();
  }

  /** Saves after a change; returns a message the first time saving fails. */
  private save(): string | undefined {
    if (this.path === undefined || this.frozen) return undefined;
    const { config: onDisk, problem } = loadConfig(this.path);
    // Someone broke the file meanwhile: leave it alone.
    if (problem) return undefined;
    const merged: UiConfig = { ...onDisk, columns: this.columnsChanged ? this.config.columns : onDisk.columns };
    for (const f of this.applied) merged.recentFilters = rememberFilter(merged.recentFilters, f);
    const failure = saveConfig(this.path, merged);
    if (!failure || this.failed) return undefined;
    this.failed = true;
    return failure;
  }
}
