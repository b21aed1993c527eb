// The `-z` statistics of one read: fed every packet that passes the display filter, printed
// after the packets in the reverse order of the -z options, as tshark prints them.
import type { Registry } from '../../dissect/registry.js';
import type { FrameMeta, Packet } from '../../dissect/types.js';
import { ConversationTable } from './conversations.js';
import { FollowTable } from './follow.js';
import { ProtocolHierarchy } from './hierarchy.js';
import { IoStatistics } from './io-stat.js';
import type { Statistic } from './parse.js';

export interface StatisticTable {
  /** Every frame read, shown or not (io,stat's duration spans them all, as tshark's does). */
  read?(frame: FrameMeta): void;
  add(pkt: Packet): void;
  /** The table's lines; io,stat's can be millions of rows, so they may come one at a time. */
  lines(filter: string | undefined): Iterable<string>;
}

/** @param terminal standard output is a terminal (follow's ascii mode then hides carriage returns). */
export function createStatistic(s: Statistic, registry: Registry, terminal = false): StatisticTable {
  if (s.kind === 'phs') return new ProtocolHierarchy();
  if (s.kind === 'follow') return new FollowTable(s, terminal);
  if (s.kind === 'iostat') return new IoStatistics(s, registry);
  return new ConversationTable(s.proto, s.kind);
}

export function* statisticLines(tables: StatisticTable[], filter: string | undefined): Generator<string> {
  for (const t of [...tables].reverse()) yield* t.lines(filter);
}
