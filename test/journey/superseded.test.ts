// Alerts across captures: a single capture's guess about pod pairs whose packets the journeys
// located gives way to the located drop; guesses about other pairs stay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '../../src/analysis/alerts/types.js';
import { supersededBy } from '../../src/journey/alerts.js';

const alert = (id: string, src: string, dst: string): Alert => ({
  id,
  severity: 'warning',
  title: `${src} → ${dst}`,
  explanation: '',
  fix: '',
  frames: [1],
  count: 1,
  src,
  dst,
});

describe('supersededBy', () => {
  // The replies from the w0 pod died on w0 after encapsulation; a loop took 172.20.2.99 round.
  const located = [alert('journey.lost', '172.20.2.30', '172.20.0.10'), alert('journey.lost', '172.20.0.10', '172.20.2.99')];

  it('drops the guesses the journeys explain: the pair looks asymmetric, the requests go unanswered, the loop is a hairpin', () => {
    assert.equal(supersededBy(located, alert('overlay.asymmetric', '172.20.0.10', '172.20.2.30')), true);
    assert.equal(supersededBy(located, alert('flow.unanswered', '172.20.0.10', '172.20.2.30')), true);
    assert.equal(supersededBy(located, alert('misroute.hairpin', '172.20.0.10', '172.20.2.99')), true);
  });

  it('drops an ICMP error alert whose sender answered the located drop of packets to that destination', () => {
    const timeExceeded = {
      ...alert('journey.lost', '172.20.0.10', '172.20.2.30'),
      title: '172.20.0.10 → 172.20.2.30: 192.168.10.200 answered ICMP time exceeded (code 0); dropped there',
    };
    assert.equal(supersededBy([timeExceeded], alert('icmp.error', '192.168.10.200', '172.20.2.30')), true);
    assert.equal(supersededBy([timeExceeded], alert('icmp.error', '192.168.20.100', '172.20.2.30')), false);
    assert.equal(supersededBy([timeExceeded], alert('icmp.error', '192.168.10.200', '172.20.2.31')), false);
  });

  it('keeps guesses about other pairs, and kinds the journeys say nothing about', () => {
    assert.equal(supersededBy(located, alert('overlay.asymmetric', '172.20.0.10', '172.20.2.31')), false);
    assert.equal(supersededBy(located, alert('misroute.hairpin', '172.20.2.99', '172.20.0.10')), false);
    assert.equal(supersededBy(located, alert('overlay.fragmented', '172.20.0.10', '172.20.2.30')), false);
  });
});
