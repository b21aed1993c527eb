import { Direction } from '../capture/types.js';
import type { Host } from './hosts.js';

/**
 * Names interfaces from what a host does with one packet, for captures without `ip link`:
 * a packet that comes in plain and leaves inside a tunnel (or the reverse) was encapsulated
 * here, so the host is a node; where it came in plain (went out plain) is a pod's veth, and
 * where it passed plain on the way to or from the tunnel is the tunnel device.
 */
export class EncapWatch {
  private readonly plainIn = new Map<number, string>();
  private readonly plainOut = new Map<number, string>();
  private readonly tunnelIn = new Map<number, string>();
  private readonly plainAfterTunnel = new Map<number, string>();

  constructor(private readonly host: Host) {}

  /** Returns true when this packet shows the host encapsulating or decapsulating. */
  see(key: number, iface: string, dir: Direction, tunnelled: boolean): boolean {
    if (this.plainIn.size > 10_000) {
      this.plainIn.clear();
      this.plainOut.clear();
      this.tunnelIn.clear();
      this.plainAfterTunnel.clear();
    }
    if (dir === Direction.Inbound && !tunnelled) {
      if (this.tunnelIn.has(key)) this.plainAfterTunnel.set(key, iface);
      else this.plainIn.set(key, iface);
    } else if (dir === Direction.Outbound && !tunnelled) {
      if (this.tunnelIn.has(key)) {
        // Decapsulated and delivered: out to the pod; the plain copy in between was the tunnel device.
        this.host.podSeen.add(iface);
        const dev = this.plainAfterTunnel.get(key);
        if (dev !== undefined && dev !== iface) this.host.tunnelSeen.add(dev);
        return true;
      }
      this.plainOut.set(key, iface);
    } else if (dir === Direction.Inbound && tunnelled) {
      this.tunnelIn.set(key, iface);
    } else if (dir === Direction.Outbound && tunnelled) {
      const from = this.plainIn.get(key);
      if (from === undefined) return false;
      this.host.podSeen.add(from);
      const dev = this.plainOut.get(key);
      if (dev !== undefined && dev !== iface && dev !== from) this.host.tunnelSeen.add(dev);
      return true;
    }
    return false;
  }
}
