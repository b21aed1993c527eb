// The `:` command line: goto (or a bare frame number), decode, filter, help and quit.
import { createRegistry } from '../dissect/default-registry.js';
import { parseDecodeAs, type DecodeAsRule, type Registry, type TableName } from '../dissect/registry.js';
import { VxError, msg } from '../errors.js';
import type { AnalysisControl } from './analysis-control.js';
import type { UiState } from './app-state.js';
import type { FilterControl } from './filter-control.js';
import type { Navigator } from './navigate.js';
import { copyToFile, selectionToCopy } from './clipboard.js';

export class Commands {
  constructor(
    private readonly s: UiState,
    private readonly filter: FilterControl,
    private readonly analysis: AnalysisControl,
    private readonly nav: Navigator,
    /** Forgets what was drawn from the old dissection (the packet shown, the statistics). */
    private readonly redissected: () => void,
  ) {}

  run(text: string): void {
    const [cmd = '', ...rest] = text.split(/\s+/);
    const arg = rest.join(' ');
    try {
      switch (cmd) {
        case '':
          return;
        case 'q':
        case 'quit':
          return this.s.opts.quit();
        case 'goto':
        case 'g':
          return this.nav.gotoFrame(arg);
        case 'decode':
        case 'd':
          return this.decodeAs(arg);
        case 'filter':
        case 'f':
          return this.filter.apply(arg.trim());
        case 'help':
          this.s.helpOpen = true;
          return;
        case 'column':
        case 'col':
          return this.column(rest);
        case 'copy': {
          if (!arg.trim()) return this.s.setMessage(msg.uiCopyUsage(), 'error');
          const copied = selectionToCopy(this.s);
          if (!copied) return this.s.setMessage(msg.uiNothingToCopy(), 'warning');
          return this.s.setMessage(copyToFile(copied, arg.trim()), 'good');
        }
        default:
          if (/^\d+$/.test(cmd)) return this.nav.gotoFrame(cmd);
          this.s.setMessage(msg.uiUnknownCommand(cmd), 'error');
      }
    } catch (e) {
      if (e instanceof VxError) this.s.setMessage(e.message, 'error');
      else throw e;
    }
  }

  /** The saved columns, on a new capture: a name the registry does not know is skipped and reported. */
  restoreColumns(): void {
    const s = this.s;
    if (!s.store) return;
    const kept: string[] = [];
    for (const name of s.config.config.columns) {
      try {
        s.store.setColumns([...kept, name]);
        kept.push(name);
      } catch (e) {
        if (!(e instanceof VxError)) throw e;
        s.setMessage(`saved column ${name}: ${e.message}`, 'warning');
      }
    }
    s.store.setColumns(kept);
  }

  /** `column add FIELD`, `column remove FIELD|N`, `column move FIELD N`, `column` (lists them). */
  private column(args: string[]): void {
    const s = this.s;
    const store = s.store;
    if (!store) return;
    const [verb = '', name = '', where = ''] = args;
    const now = [...store.columns];
    const index = /^\d+$/.test(name) ? Number(name) - 1 : now.indexOf(name);
    let next: string[];
    if (verb === '' || verb === 'list') return s.setMessage(msg.uiColumns(now), 'note');
    if (verb === 'add' && name && !where) {
      if (now.includes(name)) return s.setMessage(msg.uiColumnExists(name), 'warning');
      next = [...now, name];
    } else if ((verb === 'remove' || verb === 'rm') && name && !where) {
      if (index < 0 || index >= now.length) return s.setMessage(msg.uiColumnMissing(name), 'warning');
      next = now.filter((_, i) => i !== index);
    } else if (verb === 'move' && name && /^\d+$/.test(where)) {
      if (index < 0 || index >= now.length) return s.setMessage(msg.uiColumnMissing(name), 'warning');
      next = now.filter((_, i) => i !== index);
      next.splice(Math.min(next.length, Math.max(0, Number(where) - 1)), 0, now[index]!);
    } else return s.setMessage(msg.uiColumnUsage(), 'error');
    store.setColumns(next);
    s.setMessage(msg.uiColumns(store.columns), 'good');
    s.configSaved(s.config.setColumns(store.columns));
  }

  /**
   * `decode udp.port==9000 vxlan` (or with a comma, as -d takes it): re-dissects with the new
   * rule; `decode udp.port==9000 none` drops the user's rules for those ports.
   */
  decodeAs(arg: string): void {
    const s = this.s;
    const text = arg.includes(',') ? arg : arg.trim().replace(/\s+(\S+)$/, ',$1');
    if (!text.includes(',')) return s.setMessage(msg.uiDecodeUsage(), 'error');
    const none = /,\s*none\s*$/i.test(text);
    const rule = parseDecodeAs(none ? text.replace(/none\s*$/i, 'vxlan') : text);
    const range = rule.from === rule.to ? `${rule.from}` : `${rule.from}-${rule.to}`;
    const name = `${rule.table}==${range}`;
    let rules: DecodeAsRule[];
    if (none) {
      rules = s.decodeRules.filter((r) => r.table !== rule.table || r.to < rule.from || r.from > rule.to);
      const removed = s.decodeRules.length - rules.length;
      if (!removed) return s.setMessage(msg.uiDecodeRemoved(name, 0), 'warning');
    } else {
      const refusal = whyNot(createRegistry(s.opts.registry), rule);
      if (refusal) return s.setMessage(refusal, 'error');
      rules = [...s.decodeRules, rule];
    }
    const registry = createRegistry({ ...s.opts.registry, decodeAs: rules });
    const removed = s.decodeRules.length - rules.length;
    s.decodeRules = rules;
    if (s.store) {
      s.store.setRegistry(registry);
      this.redissected();
      // The filter's fields may now match other packets: run it again.
      const applied = s.filterBar.applied;
      if (applied) this.filter.apply(applied);
      this.analysis.restart();
    }
    if (none) s.setMessage(msg.uiDecodeRemoved(name, removed), 'good');
    else s.setMessage(msg.uiDecodeApplied(name, registry.dissector(rule.proto)?.short ?? rule.proto), 'good');
  }
}

/**
 * Why a rule makes no sense, or undefined: a protocol is only decoded where the default
 * tables could put it (VXLAN in a UDP port, HTTP in a TCP port), so `tcp.port==80 vxlan`
 * is refused rather than silently producing nonsense.
 */
function whyNot(registry: Registry, rule: DecodeAsRule): string | undefined {
  if (!registry.dissector(rule.proto)) return undefined; // parseDecodeAs' own message says which exist
  const short = registry.dissector(rule.proto)?.short ?? rule.proto;
  const tables: TableName[] = ['udp.port', 'tcp.port', 'ethertype', 'ip.proto'];
  const carriedIn = tables.filter((t) => registry.heuristicsFor(t).includes(rule.proto) || hasEntry(registry, t, rule.proto));
  if (carriedIn.includes(rule.table)) return undefined;
  return msg.uiDecodeRefused(short, rule.table, carriedIn.join(' or '));
}

function hasEntry(registry: Registry, table: TableName, proto: string): boolean {
  for (let k = 0; k < 65536; k++) if (registry.lookup(table, k) === proto) return true;
  return false;
}
