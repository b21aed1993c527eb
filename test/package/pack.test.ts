// The package as npm publishes it: what `npm pack` puts in the tarball (licence, docs the
// README links to, declarations, no source maps pointing at unshipped sources), and that the
// packed tarball, installed into an empty project, imports as a library from JavaScript and
// type-checks from TypeScript.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { ROOT } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackEntry {
  path: string;
  size: number;
}

function packedFiles(): string[] {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [report] = JSON.parse(out) as { files: PackEntry[] }[];
  return report!.files.map((f) => f.path).sort();
}

describe('npm pack contents', () => {
  let files: string[];
  before(() => {
    // dist/ is built by `npm ci` (the prepare script); a test run without it builds it.
    if (!existsSync(join(ROOT, 'dist/index.js'))) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
    files = packedFiles();
  });

  it('ships the licence, README, the executable, the library entry and its declarations', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/vxshark.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/vxshark.mjs']) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
    assert.equal(pkg.license, 'BSD-3-Clause');
    assert.match(license, /^BSD 3-Clause License/);
    assert.match(license, /the vxshark authors/);
  });

  it('ships no source maps, sources, tests or development files', () => {
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map') || /^(src|test|scripts|\.ci|node_modules)\//.test(f) || /^(tsconfig|eslint\.config|\.)/.test(f)),
      [],
    );
  });

  it('every relative link in the README and the shipped docs points at a shipped file', () => {
    const docs = ['README.md', ...files.filter((f) => /\.md$/.test(f) && f !== 'README.md')];
    const missing: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      const dir = doc.includes('/') ? doc.slice(0, doc.lastIndexOf('/') + 1) : '';
      for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const resolved = join(dir, target).replace(/\/$/, '');
        if (!files.some((f) => f === resolved || f.startsWith(resolved + '/'))) missing.push(`${doc} → ${target}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});

describe('the packed package as a library', () => {
  let dir: string;
  let installed = false;
  let skipReason = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vxshark-pack-'));
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
    const tarball = execFileSync('sh', ['-c', 'ls vxshark-*.tgz'], { cwd: dir, encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    // Installed by hand, offline: the tarball unpacked into node_modules/vxshark, and each
    // dependency its package.json declares linked from this checkout's node_modules (so an
    // undeclared dependency fails the import).
    const target = join(dir, 'node_modules/vxshark');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const from = join(ROOT, 'node_modules', dep);
      if (!existsSync(from)) {
        skipReason = `dependency ${dep} is not installed in this checkout (run npm ci)`;
        return;
      }
      mkdirSync(dirname(join(dir, 'node_modules', dep)), { recursive: true });
      symlinkSync(from, join(dir, 'node_modules', dep), 'dir');
    }
    installed = true;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports openCapture, dissect and analyze and gives what the sources give', async (t) => {
    if (!installed) return t.skip(skipReason);
    const sample = join(ROOT, 'samples/cilium-vxlan-8472.pcap');
    const script = `
      import { openCapture, dissect, analyze } from 'vxshark';
      const capture = await openCapture(${JSON.stringify(sample)});
      const pkt = dissect(capture, 0);
      const result = analyze(capture);
      console.log(JSON.stringify({ frames: capture.frameCount, protos: pkt.layers.map((l) => l.proto), tunnels: result.tunnels.length, flows: result.flows.length }));
      capture.close();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { frames: number; protos: string[]; tunnels: number; flows: number };

    const { dissect, analyze } = await import('../../src/index.js');
    const capture = await loadCapture(sample);
    const want = {
      frames: capture.frameCount,
      protos: dissect(capture, 0).layers.map((l) => l.proto),
      tunnels: analyze(capture).tunnels.length,
      flows: analyze(capture).flows.length,
    };
    capture.close();
    assert.deepEqual(got, want);
    assert.ok(got.protos.includes('vxlan'), 'the first frame is decoded through the tunnel');
  });

  it('type-checks a TypeScript consumer against the shipped declarations', (t) => {
    if (!installed) return t.skip(skipReason);
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import { openCapture, dissect, analyze, type Packet, type AnalysisResult } from 'vxshark';
const capture = await openCapture('x.pcap');
const pkt: Packet = dissect(capture, 0);
const result: AnalysisResult = analyze(capture);
const n: number = pkt.layers.length + result.alerts.length;
// @ts-expect-error: dissect needs a frame position
dissect(capture);
export { n };
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['consumer.ts'],
      }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
