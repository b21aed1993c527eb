// The short, seeded run of `npm run fuzz` that is part of the suite: the same modes and
// mutations with a fixed seed and a few hundred cases each, so a regression shows up here
// and the case it names replays with `npm run fuzz -- --seed 11 --cases N --mode M`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSeeds, runMode, type Mode } from '../../scripts/fuzz.js';

const CASES: Record<Mode, number> = { reader: 400, dissect: 400, json: 200, analysis: 60, tui: 20 };

describe('npm run fuzz, short seeded run', () => {
  const seeds = loadSeeds();
  for (const mode of Object.keys(CASES) as Mode[]) {
    it(`${mode}: ${CASES[mode]} mutated cases without an internal error, abort, hang or invalid JSON`, { timeout: 300_000 }, async () => {
      const r = await runMode(mode, seeds, 11, Infinity, CASES[mode]);
      assert.equal(r.cases, CASES[mode]);
      assert.deepEqual(r.failures, []);
    });
  }
});
