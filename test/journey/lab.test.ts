// Journeys through the lab's four-vantage recordings (samples/lab-recordings/hosts, see
// samples/lab/README.md for how each scenario was broken and what happened to its packets).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { JourneyEngine, type Journey, type JourneyRun } from '../../src/journey/engine.js';
import { captureContext } from '../../src/journey/inputs.js';
import { journeyAlerts } from '../../src/journey/alerts.js';
import { LAB } from '../analysis/helpers.js';

const HOSTS_DIR = `${LAB}hosts/`;
const HOSTS = ['ctr', 'router', 'w0', 'w1'] as const;
const POD0 = '172.20.0.10';
const POD2 = '172.20.2.30';

interface Followed {
  run: JourneyRun;
  journeys: Journey[];
  names: string[];
}

async function follow(
  scenario: string,
  files: Partial<Record<(typeof HOSTS)[number], string>> = {},
  hosts: readonly (typeof HOSTS)[number][] = HOSTS,
): Promise<Followed> {
  const inputs = [];
  for (const h of hosts) {
    const file = files[h] ?? `${HOSTS_DIR}${scenario}-${h}-any.pcap`;
    const ctx = captureContext({ name: h, file }, `${HOSTS_DIR}${scenario}-${h}.ip-link.txt`, `${HOSTS_DIR}${scenario}-${h}.ip-route.txt`);
    inputs.push({ name: h, capture: await loadCapture(file), host: ctx.host, ifnames: ctx.ifnames });
  }
  const journeys: Journey[] = [];
  try {
    const run = new JourneyEngine(inputs, { registry: createRegistry() }).run((j) => journeys.push(j));
    return { run, journeys, names: [...hosts] };
  } finally {
    for (const i of inputs) i.capture.close();
  }
}

const toW0Pod = (j: Journey): boolean => j.packet.src === POD0 && j.packet.dst === POD2;
const where = (j: Journey): string => `${j.lastSeen.capture} ${j.lastSeen.interface} ${j.lastSeen.direction}`;
const path = (j: Journey, names: readonly string[]): string =>
  j.hops.map((h) => `${names[h.capture]} ${h.iface} ${h.direction === 1 ? 'In' : h.direction === 2 ? 'Out' : '?'}`).join(' → ');

const present = existsSync(`${HOSTS_DIR}tunnel-ctr-any.pcap`);
const skip = present ? false : 'the lab recordings (samples/lab-recordings/hosts) are not in this checkout';

describe('journey: the lab recordings', { skip }, () => {
  for (const scenario of ['native-bgp', 'tunnel', 'tunnel-mtu', 'tunnel-4789', 'tunnel-port', 'relay', 'asym-encap', 'pmtu-ok', 'nat-vtep']) {
    it(`${scenario}: every packet is answered or delivered`, async () => {
      const { journeys } = await follow(scenario);
      assert.ok(journeys.length > 20, `${journeys.length} journeys`);
      const bad = journeys.filter((j) => j.fate !== 'answered' && j.fate !== 'delivered');
      assert.deepEqual(
        bad.map((j) => `${j.flow}: ${j.verdict}`),
        [],
      );
    });
  }

  for (const scenario of ['relay', 'pmtu', 'tunnel', 'policy-drop', 'wrong-vtep']) {
    it(`${scenario}: each journey keeps every capture's own frame order, and enters a host only after leaving the one before`, async () => {
      const { journeys, names } = await follow(scenario);
      for (const j of journeys) {
        const seen = new Map<number, number>();
        for (const h of j.hops) {
          assert.ok((seen.get(h.capture) ?? 0) < h.frame, `#${j.id}: ${path(j, names)}`);
          seen.set(h.capture, h.frame);
        }
        // Along one tunnel the outer TTL only goes down (each router lowers it once).
        const ttls = new Map<string, number>();
        for (const h of j.hops.filter((x) => x.encap)) {
          const tunnel = `${h.encap!.outerSrc}>${h.encap!.outerDst}`;
          assert.ok(h.outerTtl <= (ttls.get(tunnel) ?? 255), `#${j.id}: ${path(j, names)}`);
          ttls.set(tunnel, h.outerTtl);
        }
      }
    });
  }

  it('relay: k8s-w1 takes the packet out of one tunnel and puts it into the next before the router sees it again', async () => {
    const { journeys, names } = await follow('relay');
    const ping = journeys.find((j) => j.packet.icmp?.type === 8 && j.packet.dst === POD2 && j.hops.length === 12);
    assert.ok(ping, 'a twelve-hop echo request');
    assert.equal(
      path(ping, names),
      'ctr lxc0 In → ctr cilium_vxlan Out → ctr eth1 Out → w1 eth1 In → w1 cilium_vxlan In → w1 cilium_vxlan Out → w1 eth1 Out → router eth1 In → router eth2 Out → w0 eth1 In → w0 cilium_vxlan In → w0 lxc0 Out',
    );
  });

  it('tunnel: the ping to the w0 pod goes hop by hop through ctr, the router and w0', async () => {
    const { journeys, names } = await follow('tunnel');
    const request = journeys.find((j) => toW0Pod(j) && j.packet.icmp?.type === 8)!;
    assert.equal(
      path(request, names),
      'ctr lxc0 In → ctr cilium_vxlan Out → ctr eth1 Out → router eth1 In → router eth2 Out → w0 eth1 In → w0 cilium_vxlan In → w0 lxc0 Out',
    );
    const encap = request.hops.find((h) => h.encap)!.encap!;
    assert.equal(encap.vni, 10100);
    assert.equal(request.fate, 'answered');
    for (let i = 1; i < request.hops.length; i++) assert.ok(request.hops[i]!.time >= request.hops[i - 1]!.time - 1e-6);
  });

  it('tunnel with k8s-w0 3.2 s fast: the offset is found and the journeys are the same', async () => {
    const skewed = await follow('tunnel', { w0: `${HOSTS_DIR}tunnel-w0-any.skew+3.2s.pcap` });
    const w0 = skewed.run.captures.find((c) => c.name === 'w0')!;
    assert.ok(Math.abs(w0.clock.offset - 3.2) < 0.001, `offset ${w0.clock.offset}`);
    const plain = await follow('tunnel');
    assert.deepEqual(
      skewed.journeys.map((j) => `${j.flow} ${path(j, skewed.names)} ${j.fate}`),
      plain.journeys.map((j) => `${j.flow} ${path(j, plain.names)} ${j.fate}`),
    );
  });

  it('native: the w0 pod traffic left the router through eth0, its uplink, and never came back', async () => {
    const { journeys } = await follow('native');
    const lost = journeys.filter(toW0Pod);
    assert.ok(lost.length >= 5);
    for (const j of lost) {
      assert.equal(j.fate, 'lost');
      assert.equal(where(j), 'router eth0 out');
      assert.equal(j.verdict, 'left router eth0 (the uplink, default route) and never came back');
    }
  });

  it('tunnel-blocked: the VXLAN packets entered router eth1 and never left', async () => {
    const { journeys } = await follow('tunnel-blocked');
    const towards = journeys.filter(toW0Pod);
    assert.ok(towards.length >= 5);
    for (const j of towards) assert.equal(where(j), 'router eth1 in');
    // The last SYN retransmission is the router capture's last frame: whether it left cannot be told.
    const lost = towards.filter((j) => j.fate === 'lost');
    assert.ok(lost.length >= towards.length - 1);
    for (const j of lost) assert.match(j.verdict, /^entered router eth1, never left: dropped on router \(a VXLAN packet/);
  });

  it('tunnel-blocked-dst: the VXLAN packets crossed the router and died at k8s-w0 eth1, never decapsulated', async () => {
    const { journeys, names } = await follow('tunnel-blocked-dst');
    const towards = journeys.filter(toW0Pod);
    assert.ok(towards.length >= 5);
    for (const j of towards) {
      assert.equal(j.fate, 'lost');
      // The router's copies come before k8s-w0's, whatever the clock estimate says: its outer TTL is higher.
      assert.match(path(j, names), / → router eth1 In → router eth2 Out → w0 eth1 In$/);
      assert.equal(
        j.verdict,
        "reached its VTEP node w0 eth1 and was never decapsulated: dropped on w0 (a firewall rule on the tunnel's UDP port, or rp_filter)",
      );
    }
  });

  it('reply-blocked: every request is answered; the replies die on the router, in on eth2', async () => {
    const { journeys } = await follow('reply-blocked');
    const requests = journeys.filter(toW0Pod).filter((j) => j.packet.icmp?.type === 8 || j.packet.tcp?.flags === 'SYN');
    assert.ok(requests.length >= 4);
    for (const j of requests) assert.equal(j.fate, 'answered', j.flow);
    const replies = journeys.filter((j) => j.packet.src === POD2 && j.packet.dst === POD0);
    assert.ok(replies.length >= 5);
    for (const j of replies) {
      assert.equal(where(j), 'router eth2 in');
      assert.match(j.verdict, /^entered router eth2, never left: dropped on router \(a VXLAN packet/);
    }
  });

  it('policy-drop: decapsulated on k8s-w0 and never delivered to its pod', async () => {
    const { journeys } = await follow('policy-drop');
    const towards = journeys.filter(toW0Pod);
    const lost = towards.filter((j) => j.fate === 'lost');
    // The last SYN retransmission reaches k8s-w0 as its capture ends: whether it was dropped cannot be told.
    assert.ok(lost.length >= towards.length - 1 && lost.length >= 4);
    for (const j of lost) {
      assert.equal(where(j), 'w0 cilium_vxlan in');
      assert.equal(j.verdict, 'reached node w0 cilium_vxlan and was never delivered to 172.20.2.30: dropped on w0');
    }
  });

  it('wrong-vtep: k8s-w1 received them as OTHERHOST on its tunnel device', async () => {
    const { journeys } = await follow('wrong-vtep');
    const towards = journeys.filter(toW0Pod);
    assert.ok(towards.length >= 5);
    for (const j of towards) {
      assert.equal(j.fate, 'lost');
      assert.equal(where(j), 'w1 cilium_vxlan in');
      assert.ok(j.hops[j.hops.length - 1]!.otherHost);
      assert.match(j.verdict, /dropped at the wrong VTEP \(w1 does not host 172\.20\.2\.30\)/);
    }
  });

  it('captured on the sender and the receiver only: a receiver whose capture shows nothing yet cannot say the packets did not arrive', async () => {
    // The router, where tunnel-blocked drops them, was not captured; k8s-w0's capture holds two
    // frames, after the pings: captures started by hand start seconds apart.
    const blocked = await follow('tunnel-blocked', {}, ['ctr', 'w0']);
    const towards = blocked.journeys.filter(toW0Pod);
    assert.ok(towards.length >= 5);
    for (const j of towards) {
      assert.equal(j.fate, 'unknown');
      assert.equal(where(j), 'ctr eth1 out');
      assert.equal(
        j.verdict,
        'left node ctr eth1 for w0 (its VTEP 192.168.20.100) before the capture on w0 shows anything: whether it got there cannot be told',
      );
    }
    // wrong-vtep sends them to k8s-w1, not captured here: the verdict names the VTEP they went to.
    const wrong = await follow('wrong-vtep', {}, ['ctr', 'w0']);
    const sent = wrong.journeys.filter(toW0Pod);
    assert.ok(sent.length >= 5);
    for (const j of sent) {
      assert.equal(j.fate, 'unknown');
      assert.match(j.verdict, /^left node ctr eth1 for VTEP 192\.168\.10\.101, which none of the captures is/);
    }
  });

  it("nat-vtep-blocked: behind the router's NAT, the VXLAN packets entered router eth1 and never left", async () => {
    const { journeys } = await follow('nat-vtep-blocked');
    const lost = journeys.filter(toW0Pod).filter((j) => j.fate === 'lost');
    assert.ok(lost.length >= 4);
    for (const j of lost) {
      assert.equal(where(j), 'router eth1 in');
      assert.match(j.verdict, /^entered router eth1, never left: dropped on router \(a VXLAN packet/);
    }
  });

  it("pmtu-icmp-blocked: the download's big packets die on the router, which sends no frag-needed: a PMTU black hole", async () => {
    const { journeys } = await follow('pmtu-icmp-blocked');
    const dead = journeys.filter((j) => j.packet.src === POD0 && j.packet.sport === 80 && j.fate === 'lost');
    assert.ok(dead.length >= 10, `${dead.length}`);
    for (const j of dead) {
      assert.equal(where(j), 'router eth1 in');
      assert.equal(j.errors.length, 0);
      assert.match(
        j.verdict,
        /^entered router eth1, never left: dropped on router, a VXLAN packet of 1500 bytes with DF set, while smaller ones of this tunnel \(up to \d+ bytes\) got through and no frag-needed came back/,
      );
    }
  });

  it('pmtu-blackhole: the download from the ctr pod dies inside k8s-ctr, each packet answered by ctr itself on lo', async () => {
    const { journeys } = await follow('pmtu-blackhole');
    const dead = journeys.filter((j) => j.packet.src === POD0 && j.packet.sport === 80 && j.fate === 'lost');
    assert.ok(dead.length >= 10, `${dead.length}`);
    for (const j of dead) {
      assert.equal(j.lastSeen.capture, 'ctr');
      assert.equal(j.errors[0]!.mtu, 1500);
      assert.ok(j.errors[0]!.selfAddressed);
      assert.match(j.verdict, /^dropped inside node ctr: too big for the path \(MTU 1500\).*PMTU black hole/);
      // Never seen in its tunnel, but the frag-needed quotes the VXLAN packet it was going into.
      assert.ok(j.errors[0]!.quotesTunnel);
    }
    // So the fix takes the tunnel's headers off the path MTU.
    const [alert] = journeyAlerts(dead);
    assert.match(alert!.fix ?? '', /^make the pod MTU fit the path: 1500 − 50 bytes of VXLAN or GENEVE over IPv4 = 1450 \(the CNI's MTU setting\)/);
  });

  it('pmtu: the router refuses the first big packet (MTU 1400), then k8s-ctr drops the rest itself', async () => {
    const { journeys } = await follow('pmtu');
    const dead = journeys.filter((j) => j.packet.src === POD0 && j.packet.sport === 80 && j.fate === 'lost');
    const byRouter = dead.filter((j) => j.errors.some((e) => !e.selfAddressed));
    assert.equal(byRouter.length, 1);
    assert.deepEqual([where(byRouter[0]!), byRouter[0]!.errors[0]!.mtu], ['router eth1 in', 1400]);
    assert.match(byRouter[0]!.verdict, /^too big: 192\.168\.10\.200 answered ICMP frag-needed \(next-hop MTU 1400\)/);
    assert.ok(dead.length - byRouter.length >= 10);
    for (const j of dead.filter((x) => x !== byRouter[0])) assert.ok(j.errors[0]!.selfAddressed);
  });
});
