// The journey engine on built multi-host captures: hop order, clocks, fates and verdicts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { JourneyEngine, type Journey, type JourneyRun } from '../../src/journey/engine.js';
import { captureContext } from '../../src/journey/inputs.js';
import { journeyAlerts } from '../../src/journey/alerts.js';
import { journeyLines } from '../../src/cli/print/journey.js';
import { TempDir } from '../capture/helpers.js';
import {
  ADDR,
  datagram,
  healthyWorld,
  keepCapturing,
  IP_ROUTE,
  ipLinkText,
  ping,
  portUnreachable,
  sendLooping,
  sendNativeMisrouted,
  sendReplyAstray,
  sendTunnelled,
  World,
  type HostName,
} from './world.js';

const tmp = new TempDir();
after(() => tmp.cleanup());

interface Result {
  run: JourneyRun;
  journeys: Journey[];
}

async function follow(
  w: World,
  hosts: HostName[],
  opts: {
    skew?: Partial<Record<HostName, number>>;
    routes?: boolean;
    moreRoutes?: Partial<Record<HostName, string>>;
    /** Captures stopped early (µs). */
    cut?: Partial<Record<HostName, number>>;
  } = {},
): Promise<Result> {
  const inputs = [];
  for (const h of hosts) {
    const file = tmp.write(w.capture(h, opts.skew?.[h] ?? 0, opts.cut?.[h]));
    const link = tmp.write(ipLinkText(h));
    const route = opts.routes === false ? undefined : tmp.write(`${IP_ROUTE[h]}\n${opts.moreRoutes?.[h] ?? ''}`);
    const ctx = captureContext({ name: h, file }, link, route);
    inputs.push({ name: h, capture: await loadCapture(file), host: ctx.host, ifnames: ctx.ifnames });
  }
  const journeys: Journey[] = [];
  try {
    const run = new JourneyEngine(inputs, { registry: createRegistry() }).run((j) => journeys.push(j));
    return { run, journeys };
  } finally {
    for (const i of inputs) i.capture.close();
  }
}

const where = (j: Journey): string => `${j.lastSeen.capture} ${j.lastSeen.interface} ${j.lastSeen.direction}`;
const path = (j: Journey, names: readonly string[]): string =>
  j.hops.map((h) => `${names[h.capture]} ${h.iface} ${h.direction === 1 ? 'In' : 'Out'}`).join(' → ');

describe('journey: a healthy overlay', () => {
  it('follows each pod packet node → router → node, in the order it travelled', async () => {
    const hosts: HostName[] = ['router', 'w0', 'ctr'];
    const { journeys, run } = await follow(healthyWorld(), hosts);
    assert.equal(journeys.length, 8);
    const request = journeys.find((j) => j.packet.icmp?.type === 8 && j.packet.icmp.seq === 1)!;
    assert.equal(
      path(request, hosts),
      'ctr lxc0 In → ctr cilium_vxlan Out → ctr eth1 Out → router eth1 In → router eth2 Out → w0 eth1 In → w0 cilium_vxlan In → w0 lxc0 Out',
    );
    assert.equal(request.fate, 'answered');
    const encap = request.hops[2]!.encap!;
    assert.equal(encap.type, 'vxlan');
    assert.equal(encap.vni, 32001);
    const reply = journeys.find((j) => j.packet.icmp?.type === 0 && j.packet.icmp.seq === 1)!;
    assert.equal(reply.fate, 'delivered');
    assert.equal(reply.verdict, 'delivered to the pod on node ctr lxc0');
    assert.deepEqual(reply.lastSeen, { capture: 'ctr', interface: 'lxc0', direction: 'out' });
    const syn = journeys.find((j) => j.packet.tcp?.flags === 'SYN')!;
    assert.equal(syn.fate, 'answered');
    assert.ok(
      run.flows.every((f) => f.lost === 0 && f.unknown === 0),
      JSON.stringify(run.flows),
    );
  });

  it('a datagram to a port nobody listens on is delivered, and the text says who answered it with what ICMP error', async () => {
    const w = new World();
    const query = datagram(ADDR.pod0, ADDR.pod2, 40001, 9999, 0x570);
    sendTunnelled(w, query, 0);
    sendTunnelled(w, portUnreachable(query, 0x571), 500);
    keepCapturing(w, 1_000_000);
    const hosts: HostName[] = ['ctr', 'router', 'w0'];
    const { journeys } = await follow(w, hosts);
    const j = journeys.find((x) => x.packet.ipId === 0x570)!;
    assert.deepEqual([j.fate, j.errors.map((e) => [e.type, e.code])], ['delivered', [[3, 3]]]);
    assert.match(journeyLines(j, hosts)[1]!, /✓ delivered [\d.]+ ms; 172\.20\.2\.30 answered ICMP destination unreachable \(code 3\)$/);
  });

  it('estimates a node clock running 3.2 s ahead and still orders every hop', async () => {
    const hosts: HostName[] = ['ctr', 'router', 'w0'];
    const { journeys, run } = await follow(healthyWorld(), hosts, { skew: { w0: 3_200_000 } });
    const w0 = run.captures.find((c) => c.name === 'w0')!;
    assert.ok(Math.abs(w0.clock.offset - 3.2) < 0.0001, `offset ${w0.clock.offset}`);
    assert.ok(w0.clock.matched > 0);
    const request = journeys.find((j) => j.packet.icmp?.type === 8 && j.packet.icmp.seq === 2)!;
    assert.equal(path(request, hosts).split(' → ').slice(-3).join(' → '), 'w0 eth1 In → w0 cilium_vxlan In → w0 lxc0 Out');
    assert.ok(journeys.every((j) => j.fate === 'answered' || j.fate === 'delivered'));
  });
});

describe('journey: where packets die', () => {
  it('a firewall on the router: the VXLAN packet entered router eth1 and never left', async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x500), 0, 'router-drop');
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    assert.equal(journeys.length, 1);
    const j = journeys[0]!;
    assert.equal(j.fate, 'lost');
    assert.deepEqual(j.lastSeen, { capture: 'router', interface: 'eth1', direction: 'in' });
    assert.match(j.verdict, /^entered router eth1, never left: dropped on router \(a VXLAN packet/);
  });

  it('a router that forwards some packets of a tunnel and drops others: not a closed port, a rule that drops only some', async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x560), 0);
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 2, 0x561), 200_000, 'router-drop');
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 3, 0x562), 400_000);
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    const lost = journeys.filter((j) => j.fate === 'lost');
    assert.deepEqual(
      lost.map((j) => [j.packet.icmp?.seq, where(j), j.verdict]),
      [
        [
          2,
          'router eth1 in',
          'entered router eth1, never left: dropped on router, while it forwarded other packets of this tunnel (a rule that drops only some of them: a rate limit, an nth or random match, conntrack INVALID; or a full queue)',
        ],
      ],
    );
    assert.match(journeyAlerts(lost)[0]!.fix ?? '', /^find what drops some of this tunnel's packets on router/);
  });

  it("a route that drops, in the host's ip route, is named where the packet died, and its fix says to remove it", async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x510), 0, 'router-drop');
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 2, 0x511), 300_000, 'past-veth');
    keepCapturing(w, 1_000_000);
    const moreRoutes = { router: 'unreachable 192.168.20.100', w0: 'blackhole 172.20.2.30' };
    const { journeys } = await follow(w, ['ctr', 'router', 'w0'], { moreRoutes });
    assert.deepEqual(
      journeys.map((j) => [j.fate, j.verdict]),
      [
        ['lost', 'entered router eth1, never left: dropped on router, whose routes drop it (unreachable 192.168.20.100/32 for 192.168.20.100)'],
        ['lost', 'entered node w0 cilium_vxlan, never left: dropped on w0, whose routes drop it (blackhole 172.20.2.30/32 for 172.20.2.30)'],
      ],
    );
    assert.deepEqual(
      journeyAlerts(journeys).map((a) => a.fix),
      [
        "router's route table sends it to an unreachable route (192.168.20.100/32): remove it (ip route del unreachable 192.168.20.100/32) or give 192.168.20.100 a route to where it lives",
        "w0's route table sends it to a blackhole route (172.20.2.30/32): remove it (ip route del blackhole 172.20.2.30/32) or give 172.20.2.30 a route to where it lives",
      ],
    );
  });

  it("into the sender's tunnel device and never out of it encapsulated; a frame to another MAC at the receiver: each with its own fix", async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x520), 0, 'sender-output');
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 2, 0x521), 300_000, 'wrong-mac');
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    assert.deepEqual(
      journeys.map((j) => [j.fate, where(j), j.verdict]),
      [
        [
          'lost',
          'ctr cilium_vxlan out',
          "went into node ctr cilium_vxlan and never left ctr encapsulated: dropped on ctr after encapsulation (a firewall rule on the tunnel's UDP port in OUTPUT, or no route to the remote VTEP)",
        ],
        ['lost', 'w0 eth1 in', "reached node w0 eth1 addressed to another host's MAC (OTHERHOST): dropped there"],
      ],
    );
    const fixes = journeyAlerts(journeys).map((a) => a.fix);
    assert.match(fixes[0]!, /^let the tunnel's packets out of ctr: its firewall's OUTPUT chain/);
    assert.match(fixes[1]!, /^the host before w0 sends it to a MAC address that is not w0's: check that host's neighbour \(ARP\) entry/);
  });

  it("a capture stopped early (tcpdump -c): a packet sent to its host afterwards is unknown, once that host's own packets are seen elsewhere", async () => {
    const run = async (w0Speaks: boolean): Promise<Journey> => {
      const w = new World();
      sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x530), 0);
      sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 2, 0x531), 300_000);
      // w0 goes on sending after its capture stopped: the router sees it.
      if (w0Speaks) sendTunnelled(w, ping(ADDR.pod2, ADDR.pod0, 8, 3, 0x532), 400_000);
      keepCapturing(w, 1_000_000);
      const { journeys } = await follow(w, ['ctr', 'router', 'w0'], { cut: { w0: 100_000 } });
      return journeys.find((j) => j.packet.icmp?.seq === 2)!;
    };
    const cut = await run(true);
    assert.deepEqual([cut.fate, where(cut)], ['unknown', 'router eth2 out']);
    assert.match(cut.verdict, /^left router eth2 for w0 \(its VTEP 192\.168\.20\.100\) after the capture on w0 had stopped/);
    // A quiet host: its capture is taken to run as long as the others, and the packet was lost on the way.
    const quiet = await run(false);
    assert.deepEqual([quiet.fate, quiet.verdict], ['lost', 'left router eth2 and never reached w0 (its VTEP 192.168.20.100): lost between them']);
  });

  it('a routing loop: one journey round and round between the router and w0, lost when its TTL ran out; a path that comes back once is no loop', async () => {
    const w = new World();
    sendLooping(w, ping(ADDR.pod0, '172.20.2.99', 8, 1, 0x540), 0, 30);
    sendLooping(w, ping(ADDR.pod0, '172.20.2.98', 8, 2, 0x541), 300_000, 1);
    keepCapturing(w, 1_000_000);
    const hosts: HostName[] = ['ctr', 'router', 'w0'];
    const { journeys } = await follow(w, hosts);
    assert.equal(journeys.length, 2);
    const [loop, once] = journeys;
    assert.equal(loop!.hops.length, 3 + 4 * 30);
    assert.deepEqual(
      [loop!.fate, loop!.verdict],
      ['lost', 'caught in a routing loop between router and w0: 30 times through router eth2 out, TTL 62 down to 4, until its TTL ran out'],
    );
    assert.match(journeyAlerts([loop!])[0]!.fix ?? '', /^fix the routes that send 172\.20\.2\.99 round/);
    assert.equal(
      path(once!, hosts),
      'ctr lxc0 In → ctr eth1 Out → router eth1 In → router eth2 Out → w0 eth1 In → w0 eth1 Out → router eth2 In → router eth0 Out',
    );
    assert.doesNotMatch(once!.verdict, /loop/);
  });

  it("a UDP reply that went astray is lost, not answered by the client's next query", async () => {
    const w = new World();
    // ctr's pod asks twice (the second time after a timeout); w0's pod answers the first; the
    // router sends the answer out of its uplink.
    sendTunnelled(w, datagram(ADDR.pod0, ADDR.pod2, 40000, 53, 0x550), 0);
    sendReplyAstray(w, datagram(ADDR.pod2, ADDR.pod0, 53, 40000, 0x551), 200);
    sendTunnelled(w, datagram(ADDR.pod0, ADDR.pod2, 40000, 53, 0x552), 1_000_000);
    keepCapturing(w, 1_500_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    assert.deepEqual(
      journeys.map((j) => [j.packet.src, j.packet.ipId, j.fate, j.verdict]),
      [
        [ADDR.pod0, 0x550, 'answered', 'answered'],
        [ADDR.pod2, 0x551, 'lost', 'left router eth0 (the uplink, default route) and never came back'],
        [ADDR.pod0, 0x552, 'delivered', 'delivered to the pod on node w0 lxc0'],
      ],
    );
  });

  it('native routing: left router eth0, the uplink, and never came back', async () => {
    const w = new World();
    sendNativeMisrouted(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x600), 0);
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    const j = journeys[0]!;
    assert.equal(j.fate, 'lost');
    assert.deepEqual(j.lastSeen, { capture: 'router', interface: 'eth0', direction: 'out' });
    assert.equal(j.verdict, 'left router eth0 (the uplink, default route) and never came back');
  });

  it('the wrong VTEP: w1 receives it as OTHERHOST on its tunnel device', async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x700), 0, 'wrong-vtep');
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'w1', 'w0']);
    const j = journeys[0]!;
    assert.equal(j.fate, 'lost');
    assert.deepEqual(j.lastSeen, { capture: 'w1', interface: 'cilium_vxlan', direction: 'in' });
    assert.match(j.verdict, /^reached node w1 cilium_vxlan as OTHERHOST: dropped at the wrong VTEP/);
  });

  it('a PMTU black hole: the node answers itself with frag-needed on lo', async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x800), 0, 'blackhole');
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    assert.equal(journeys.length, 1);
    const j = journeys[0]!;
    assert.equal(j.fate, 'lost');
    assert.equal(j.errors.length, 1);
    assert.equal(j.errors[0]!.mtu, 1500);
    assert.ok(j.errors[0]!.selfAddressed);
    assert.deepEqual(j.lastSeen, { capture: 'ctr', interface: 'cilium_vxlan', direction: 'out' });
    assert.match(j.verdict, /^dropped inside node ctr: too big for the path \(MTU 1500\).*PMTU black hole/);
  });

  it("where the node hands packets to its pods past the veth's host side, only an unanswered request is a drop there", async () => {
    const w = new World();
    // Every packet for w0's pod is delivered where w0's capture cannot see it (no copy out of lxc0).
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0xa00), 0, 'past-veth');
    sendTunnelled(w, ping(ADDR.pod2, ADDR.pod0, 0, 1, 0xa01), 500);
    // An echo reply asks for nothing: nothing tells whether it got to the pod.
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 0, 7, 0xa02), 300_000, 'past-veth');
    // A request nothing answers: dropped on w0.
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 2, 0xa03), 600_000, 'past-veth');
    keepCapturing(w, 3_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    const to = journeys.filter((j) => j.packet.dst === ADDR.pod2);
    assert.deepEqual(
      to.map((j) => [j.packet.icmp?.type, j.packet.icmp?.seq, j.fate]),
      [
        [8, 1, 'answered'],
        [0, 7, 'unknown'],
        [8, 2, 'lost'],
      ],
    );
    assert.match(to[1]!.verdict, /^reached node w0 cilium_vxlan; this capture never shows a packet handed to a pod/);
    assert.equal(to[2]!.verdict, 'reached node w0 cilium_vxlan and was never delivered to 172.20.2.30: dropped on w0');
  });

  it('at its VTEP and no further: dropped before decapsulation, unless the capture there holds nothing but UDP', async () => {
    const at = async (udpOnly: boolean): Promise<Journey> => {
      const w = new World();
      sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0xc00), 0, 'at-vtep');
      keepCapturing(w, 1_000_000, udpOnly ? ['w0'] : []);
      return (await follow(w, ['ctr', 'router', 'w0'])).journeys[0]!;
    };
    const dropped = await at(false);
    assert.equal(dropped.fate, 'lost');
    assert.match(dropped.verdict, /^reached its VTEP node w0 eth1 and was never decapsulated: dropped on w0/);
    const filtered = await at(true);
    assert.equal(filtered.fate, 'unknown');
    assert.match(filtered.verdict, /^reached its VTEP node w0 eth1; the capture there holds nothing but UDP \(a capture filter\?\)/);
  });

  it('a big packet with DF dropped silently where smaller ones of its tunnel got through: a PMTU black hole', async () => {
    const big = (seq: number): ReturnType<typeof ping> => {
      const p = ping(ADDR.pod0, ADDR.pod2, 8, seq, 0xd00 + seq);
      return { ...p, l4: Uint8Array.from([...p.l4, ...new Uint8Array(1300)]) };
    };
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0xd01), 0);
    sendTunnelled(w, ping(ADDR.pod2, ADDR.pod0, 0, 1, 0xd02), 500);
    sendTunnelled(w, big(2), 200_000, 'too-big');
    keepCapturing(w, 3_000_000);
    const { journeys } = await follow(w, ['ctr', 'router', 'w0']);
    const j = journeys.find((x) => x.packet.icmp?.seq === 2)!;
    assert.equal(j.fate, 'lost');
    assert.deepEqual(j.lastSeen, { capture: 'router', interface: 'eth1', direction: 'in' });
    assert.match(
      j.verdict,
      /^entered router eth1, never left: dropped on router, a VXLAN packet of 1\d{3} bytes with DF set, while smaller ones of this tunnel \(up to \d+ bytes\) got through and no frag-needed came back/,
    );
    // The same big packet without DF: nothing says it was too big.
    const w2 = new World();
    sendTunnelled(w2, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0xd01), 0);
    sendTunnelled(w2, big(2), 200_000, 'router-drop');
    keepCapturing(w2, 3_000_000);
    const plain = (await follow(w2, ['ctr', 'router', 'w0'])).journeys.find((x) => x.packet.icmp?.seq === 2)!;
    assert.match(plain.verdict, /^entered router eth1, never left: dropped on router, while it forwarded other packets of this tunnel/);
    assert.doesNotMatch(plain.verdict, /too big|PMTU/);
  });

  it('without a capture of the next hop the fate is unknown, and says where to capture', async () => {
    const w = new World();
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, 1, 0x900), 0);
    keepCapturing(w, 1_000_000);
    const { journeys } = await follow(w, ['ctr', 'router']);
    const j = journeys[0]!;
    assert.equal(j.fate, 'unknown');
    assert.equal(
      j.verdict,
      'left router eth2 for VTEP 192.168.20.100, which none of the captures is: no capture shows where it went next (capture on that node)',
    );
  });
});
