// The `:` command line: goto (or a bare frame number), decode, filter, help and quit.
import { createRegistry } from '../dissect/default-registry.js';
import { parseDecodeAs } from '../dissect/registry.js';
import { VxError, msg } from '../errors.js';
import type { AnalysisControl } from './analysis-control.js';
import type { UiState } from './app-state.js';
import type { FilterControl } from './filter-control.js';
import type { Navigator } from './navigate.js';

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
        default:
          if (/^\d+$/.test(cmd)) return this.nav.gotoFrame(cmd);
          this.s.setMessage(msg.uiUnknownCommand(cmd), 'error');
      }
    } catch (e) {
      if (e instanceof VxError) this.s.setMessage(e.message, 'error');
      else throw e;
    }
  }

  /** `decode udp.port==9000 vxlan` (or with a comma, as -d takes it): re-dissects with the new rule. */
  decodeAs(arg: string): void {
    const s = this.s;
    const text = arg.includes(',') ? arg : arg.trim().replace(/\s+(\S+)$/, ',$1');
    if (!text.includes(',')) return s.setMessage(msg.uiDecodeUsage(), 'error');
    const rule = parseDecodeAs(text);
    const rules = [...s.decodeRules, rule];
    const registry = createRegistry({ ...s.opts.registry, decodeAs: rules });
    s.decodeRules = rules;
    if (s.store) {
      s.store.setRegistry(registry);
      this.redissected();
      // The filter's fields may now match other packets: run it again.
      const applied = s.filterBar.applied;
      if (applied) this.filter.apply(applied);
      this.analysis.restart();
    }
    const range = rule.from === rule.to ? `${rule.from}` : `${rule.from}-${rule.to}`;
    s.setMessage(msg.uiDecodeApplied(`${rule.table}==${range}`, registry.dissector(rule.proto)?.short ?? rule.proto), 'good');
  }
}
