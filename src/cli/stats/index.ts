// The `-z` statistics of one read: fed every packet that passes the display filter, printed
// after the packets in the reverse order of the -z options, as tshark prints them.
import type { Packet } from '../../dissect/types.js';
import { ConversationTable } from './conversations.js';
import { ProtocolHierarchy } from './hierarchy.js';
import type { Statistic } from './parse.js';

export interface StatisticTable {
  add(pkt: Packet): void;
  lines(filter: string | undefined): string[];
}

export function createStatistic(s: Statistic): StatisticTable {
  return s.kind === 'phs' ? new ProtocolHierarchy() : new ConversationTable(s.proto, s.kind);
}

export function statisticLines(tables: StatisticTable[], filter: string | undefined): string[] {
  return [...tables].reverse().flatMap((t) => t.lines(filter));
}
