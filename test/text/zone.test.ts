// The local zone's abbreviation as tshark prints it in frame.time ("CEST", not Intl's "GMT+2"),
// from the zone files; compared with tshark under several TZ values when it is installed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { zoneAbbreviation } from '../../src/text/zone.js';
import { vxshark } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { hasTshark, NO_TSHARK } from '../helpers/tshark.js';

const NO_ZONES = existsSync('/usr/share/zoneinfo/Europe/Paris') ? false : 'no zone files in /usr/share/zoneinfo';
const JUNE = Date.UTC(2025, 5, 1) / 1000;
const JANUARY = Date.UTC(2025, 0, 15) / 1000;

describe('zoneAbbreviation', () => {
  it('reads the abbreviation in force at a moment from the zone file', { skip: NO_ZONES }, () => {
    assert.equal(zoneAbbreviation(JUNE, { TZ: 'Europe/Paris' }), 'CEST');
    assert.equal(zoneAbbreviation(JANUARY, { TZ: 'Europe/Paris' }), 'CET');
    assert.equal(zoneAbbreviation(JUNE, { TZ: ':America/New_York' }), 'EDT');
    assert.equal(zoneAbbreviation(JUNE, { TZ: 'Asia/Kolkata' }), 'IST');
    assert.equal(zoneAbbreviation(JUNE, { TZ: 'America/Sao_Paulo' }), '-03');
    assert.equal(zoneAbbreviation(JUNE, { TZ: '/usr/share/zoneinfo/Etc/UTC' }), 'UTC');
    // Before the first transition: the zone's first type (local mean time).
    assert.equal(zoneAbbreviation(-3e9, { TZ: 'Europe/Paris' }), 'LMT');
  });

  it('knows UTC for an empty TZ and POSIX rules without daylight saving, and refuses what it cannot tell', () => {
    assert.equal(zoneAbbreviation(JUNE, { TZ: '' }), 'UTC');
    assert.equal(zoneAbbreviation(JUNE, { TZ: 'XYZ5' }), 'XYZ');
    assert.equal(zoneAbbreviation(JUNE, { TZ: '<+03>-3' }), '+03');
    assert.equal(zoneAbbreviation(JUNE, { TZ: 'ABC5DEF,M3.2.0,M11.1.0' }), undefined);
    assert.equal(zoneAbbreviation(JUNE, { TZ: '../../etc/passwd' }), undefined);
  });

  it('prints frame.time with the zone tshark prints', { skip: hasTshark ? NO_ZONES : NO_TSHARK }, async () => {
    for (const TZ of ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/London', 'UTC']) {
      const args = ['-r', 'samples/nanosecond.pcap', '-T', 'fields', '-e', 'frame.time'];
      const theirs = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, TZ } }).stdout;
      const ours = await vxshark(args, { env: { TZ } });
      assert.equal(ours.stdout, theirs, TZ);
      assert.ok(theirs.length > 0);
    }
  });
});
