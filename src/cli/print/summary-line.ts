import type { PacketSummary } from '../../dissect/summary.js';
import { painter, type Paint } from './color.js';

const PLAIN = painter(false);

/**
 * One line per packet, tshark's columns plus what overlays need: the interface and
 * direction of a cooked capture, and the outer endpoints and VNI of a tunnelled packet
 * before the inner packet they carry.
 */
export function summaryLine(number: number, time: string, s: PacketSummary, paint: Paint = PLAIN): string {
  let line = `${String(number).padStart(6)} ${time.padStart(12)} `;
  if (s.interfaceName !== undefined || s.direction !== undefined) {
    line += `${s.interfaceName ?? ''}${s.direction ? ` ${s.direction}` : ''} `.trimStart().padEnd(10);
  }
  if (s.tunnel) {
    const t = s.tunnel;
    line += paint.tunnel(`${t.outerSource} → ${t.outerDestination} ${t.label}`) + ' │ ';
    // An encrypted tunnel has no inner packet to show.
    if (t.encrypted) return line + `(encrypted) ${paint.protocol(s.protocol)} ${s.length} ${s.info}`;
  }
  // No addresses (a tunnel that carries nothing, a link type with none): no arrow between nothing and nothing.
  if (s.source !== '' || s.destination !== '') line += `${s.source} → ${s.destination} `;
  line += `${paint.protocol(s.protocol)} ${s.length} ${s.info}`;
  return line;
}
