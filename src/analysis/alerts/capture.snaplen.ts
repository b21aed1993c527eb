// capture.snaplen (info): packets the capture cut short (snaplen) so that headers are
// missing, above all the inner headers of tunnel packets (a 96-byte snaplen keeps the outer
// headers and VXLAN, and loses the pod's TCP header).
import { msg } from '../../errors.js';
import { Groups, type Alert, type Rule } from './types.js';

interface G {
  tunnel: boolean;
  capLen: number;
  frames: number[];
  count: number;
}

export const rule: Rule = {
  id: 'capture.snaplen',
  severity: 'info',
  description: 'packets cut short by the snaplen so that (inner) headers are missing',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    return {
      observe(f) {
        if (f.capturedLength >= f.wireLength) return;
        // Inner headers the snaplen took: the outer datagram goes on past the bytes kept (one whose
        // own length ends within them carried nothing more: malformed, not cut).
        const outerCut = !f.outer.present || f.outer.length === 0 || f.outer.at + f.outer.length > f.capturedLength;
        const innerMissing = f.tunnel >= 0 && outerCut && (f.inner === f.outer || !f.inner.present || f.inner.l4 < 0);
        if (!f.truncated && !innerMissing) return;
        const g = groups.add(f.tunnel >= 0 ? 'tunnel' : 'plain', f.frame, () => ({ tunnel: f.tunnel >= 0, capLen: 0, frames: [], count: 0 }));
        if (f.capturedLength > g.capLen) g.capLen = f.capturedLength;
      },
      evaluate() {
        return groups.values().map((g): Alert => ({
          id: 'capture.snaplen',
          severity: 'info',
          title: msg.alertSnaplenTitle(g.count, g.tunnel, g.capLen),
          explanation: msg.alertSnaplenExplanation(g.tunnel, g.capLen),
          fix: msg.alertSnaplenFix(),
          frames: g.frames,
          count: g.count,
          details: { capturedBytes: g.capLen },
        }));
      },
    };
  },
};
