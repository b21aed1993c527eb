// The terminal UI with a Kubernetes context (--context samples/context): names in the packet
// list and the detail tree, the k8s.* fields in the filter bar, names in the analysis views.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadContext } from '../../src/context/load.js';
import { KEYS } from '../../src/ui/headless.js';
import { CILIUM, SAMPLES, startUi } from './helpers.js';

const CONTEXT_DIR = SAMPLES + 'context';
const withContext = (names = true) => ({ context: { context: loadContext([CONTEXT_DIR]), names, paths: [CONTEXT_DIR] } });

describe('UI with a Kubernetes context', () => {
  it('shows pod and node names in the list and a Kubernetes subtree in the details', async () => {
    const ui = await startUi(CILIUM, { ...withContext(), rows: 140 });
    try {
      const text = ui.text();
      // Frame 4 (the first ping's reply): outer nodes, inner pods (columns cut long names with …).
      assert.match(text, /^ {2}4 0\.001550 k8s-w0 → k8s-ctr +VXLAN 45678 default\/webpod-697b545f57-hc6qk +→ default\/curl-pod +ICMP/m);
      assert.doesNotMatch(text.split(' Details')[0]!, /172\.20\.0\.10 /);
      // Frame 3 (the first ping): expand everything in the detail pane.
      await ui.press('j', 'j', KEYS.tab, 'e');
      const details = ui.text();
      assert.match(details, /^ {2}▾ Kubernetes/m);
      assert.match(details, /^ {4}▾ Source: 192\.168\.10\.100 \(node k8s-ctr\)/m);
      assert.match(details, /Cilium identity of the sender: 32001/);
    } finally {
      await ui.quit();
    }
  });

  it('filters with k8s.* fields and names the analysis views', async () => {
    const ui = await startUi(CILIUM, { ...withContext(), rows: 44 });
    try {
      await ui.press('/');
      await ui.type('k8s.dst.namespace == "kube-system"');
      await ui.press(KEYS.enter);
      await ui.handle.idle();
      const rows = ui.lines().filter((l) => /^\s*\d+ \d+\.\d+ .* VXLAN /.test(l));
      // The two DNS queries to CoreDNS (frames 13 and 25).
      assert.deepEqual(
        rows.map((r) => Number(/^\s*(\d+)/.exec(r)![1])),
        [13, 25],
      );
      for (const r of rows) assert.match(r, /default\/curl-pod → kube-system\/coredns-674b8bbfcf-x7k2m +DNS/);
      await ui.press('5');
      assert.match(ui.text(), /k8s-ctr/);
      assert.match(ui.text(), /default\/curl-pod/);
    } finally {
      await ui.quit();
    }
  });

  it('--names off keeps the addresses', async () => {
    const ui = await startUi(CILIUM, withContext(false));
    try {
      assert.match(ui.text(), /192\.168\.10\.100 → 192\.168\.20\.100 +VXLAN 32001 172\.20\.0\.10 +→ 172\.20\.2\.30 /);
      assert.doesNotMatch(ui.text(), /curl-pod/);
    } finally {
      await ui.quit();
    }
  });
});
