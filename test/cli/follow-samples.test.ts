// -z follow compared with tshark 4.0 on every TCP stream of the samples and lab recordings, in
// the modes that lay the bytes out differently (skipped without tshark). Apart from
// follow.test.ts so that neither file runs past the runner's five minutes under load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { follow, streamCount } from '../helpers/follow.js';
import { CAPTURES, hasTshark, NO_TSHARK, tshark } from '../helpers/tshark.js';

describe('-z follow compared with tshark on the samples', { skip: hasTshark ? false : NO_TSHARK }, () => {
  it('prints every TCP stream of the samples and lab recordings as tshark does', async () => {
    let compared = 0;
    for (const file of CAPTURES) {
      const n = streamCount(file, 'tcp');
      for (let s = 0; s < n; s++) {
        for (const mode of ['ascii', 'hex', 'yaml']) {
          assert.equal(await follow(file, `tcp,${mode},${s}`), tshark(['-r', file, '-q', '-z', `follow,tcp,${mode},${s}`]), `${file} tcp,${mode},${s}`);
          compared++;
        }
      }
    }
    assert.ok(compared >= 30, `only ${compared} streams compared`);
  });
});
