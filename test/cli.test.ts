// The envoy command line, run as a real process from its committed bundle on real Silero
// models, with a local registry and a local deploy target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'envoy.js');
const RELEASES = join(REPO, 'node_modules', '@ricky0123', 'vad-web', 'dist');
const EXAMPLE = join(REPO, 'examples', 'silero-vad');

function settings(rules: string[]): string {
  return `version: "1"
models:
  - name: vad
    path: models/vad.onnx
benchmark:
  warmup: 3
  iterations: 20
  trials: 2
  max-cv: 10
  inputs:
    input: { shape: [1, 512] }
    sr: { value: 16000 }
    state: { shape: [2, 1, 128], fill: zeros }
    h: { shape: [2, 1, 64], fill: zeros }
    c: { shape: [2, 1, 64], fill: zeros }
evaluation:
  command: [node, ${JSON.stringify(join(EXAMPLE, 'evaluate.mjs'))}, --model, "{model}", --data, ${JSON.stringify(join(EXAMPLE, 'data'))}]
gate:
  rules:
${rules.map((rule) => `    - ${rule}`).join('\n')}
deploy:
  - name: local
`;
}

function envoy(workspace: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function stopDeployments(workspace: string): Promise<void> {
  const folder = join(workspace, '.envoy', 'deployments');
  const names = await readdir(folder).catch(() => []);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const record = JSON.parse(await readFile(join(folder, name), 'utf8')) as { pid?: number };
    if (record.pid) {
      try {
        process.kill(record.pid, 'SIGTERM');
      } catch {
        // already stopped
      }
    }
  }
}

describe('envoy pipeline', () => {
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'envoy-cli-'));
    await writeFile(
      join(workspace, 'envoy.yaml'),
      settings(['f1 >= 0.9', 'roc_auc >= 0.9', 'f1 >= baseline - 0.05']),
    );
    for (const release of ['legacy', 'v5']) {
      await copyFile(
        join(RELEASES, `silero_vad_${release}.onnx`),
        join(workspace, `${release}.onnx`),
      );
    }
  });

  afterAll(() => stopDeployments(workspace));

  it('registers, gates, promotes and deploys each release, then serves production', async () => {
    const run = envoy(workspace, 'pipeline', '--release', 'legacy.onnx', '--release', 'v5.onnx');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /\| v1 \| [0-9a-f]{12} \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0\.9\d+ \| passed \| – \|/,
    );
    expect(run.stdout).toMatch(/\| v2 \| [0-9a-f]{12} .* \| passed \| production \|/);
    const url = /local: deployed, v2 at (http:\/\/\S+)/.exec(run.stdout)?.[1];
    expect(url).toBeDefined();
    const ready = await fetch(`${url}/v2/models/vad/ready`);
    expect(ready.status).toBe(200);
  }, 240_000);

  it('registers nothing new on a second run and leaves the deployment unchanged', () => {
    const run = envoy(workspace, 'pipeline', '--release', 'legacy.onnx', '--release', 'v5.onnx');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing new to register');
    expect(run.stdout).toContain('local: unchanged, v2');
  });

  it('lists versions with their aliases', () => {
    const run = envoy(workspace, 'ls', '--model', 'vad');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^v1 {2}sha256:[0-9a-f]{64} .* legacy\.onnx {2}$/);
    expect(lines[1]).toMatch(/^v2 {2}sha256:[0-9a-f]{64} .* v5\.onnx {2}production$/);
  });

  it('answers which version was in production at a time', () => {
    const history = envoy(workspace, 'history', '--model', 'vad', '--alias', 'production');
    expect(history.code).toBe(0);
    const moves = history.stdout.trim().split('\n');
    expect(moves).toHaveLength(2);
    expect(moves[0]).toMatch(/production {2}– -> v1 {2}by envoy: passed its gates/);
    const secondMoveAt = moves[1]!.split('  ')[0]!;
    const before = new Date(new Date(secondMoveAt).getTime() - 1).toISOString();
    expect(envoy(workspace, 'history', '--model', 'vad', '--at', before).stdout.trim()).toBe('v1');
    expect(envoy(workspace, 'history', '--model', 'vad', '--at', secondMoveAt).stdout.trim()).toBe(
      'v2',
    );
    expect(envoy(workspace, 'history', '--model', 'vad', '--at', '2000-01-01T00:00:00Z').code).toBe(
      1,
    );
  });

  it('stops the deployed server', async () => {
    const record = JSON.parse(
      await readFile(join(workspace, '.envoy', 'deployments', 'local.json'), 'utf8'),
    ) as { url: string };
    const run = envoy(workspace, 'stop');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('local: stopped\n');
    await expect(fetch(`${record.url}/v2/health/live`)).rejects.toThrow();
  });

  it('fails production measured on new hardware and says the hardware or drivers changed', async () => {
    const recorded = join(workspace, '.envoy', 'results', 'vad', 'v2', 'cpu.json');
    const results = JSON.parse(await readFile(recorded, 'utf8'));
    results.hardware.class = 'hc-00000000';
    results.startedAt = new Date().toISOString();
    await writeFile(join(workspace, 'new-driver.json'), JSON.stringify(results));

    const run = envoy(workspace, 'gate', '--version', 'production', '--results', 'new-driver.json');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the hardware or its drivers changed since');
    expect(run.stdout).toContain('never on hc-00000000');
  });

  it('exits 1 from gate when a rule fails, and says which', async () => {
    await writeFile(join(workspace, 'strict.yaml'), settings(['f1 >= 0.999']));
    const run = envoy(workspace, 'gate', '--config', 'strict.yaml', '--version', '2');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('f1 >= 0.999');
    expect(run.stdout).toMatch(/failed/i);
  });
});

describe('envoy pipeline after a change of rules', () => {
  it('gates again under the new rules and exits 1 when a release is rejected', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'envoy-cli-regate-'));
    await copyFile(join(RELEASES, 'silero_vad_v5.onnx'), join(workspace, 'v5.onnx'));
    await writeFile(join(workspace, 'envoy.yaml'), settings(['f1 >= 0.9']));
    const first = envoy(workspace, 'pipeline', '--release', 'v5.onnx', '--no-deploy');
    expect(first.code).toBe(0);
    await writeFile(join(workspace, 'envoy.yaml'), settings(['f1 >= 0.999']));
    const second = envoy(workspace, 'pipeline', '--release', 'v5.onnx', '--no-deploy');
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('failed (f1 >= 0.999)');
    expect(second.stdout).toContain('v1 was not promoted: its gate verdict is failed');
  }, 240_000);
});

describe('envoy with a user’s mistakes', () => {
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'envoy-cli-mistakes-'));
    await copyFile(join(RELEASES, 'silero_vad_v5.onnx'), join(workspace, 'vad.onnx'));
    await writeFile(
      join(workspace, 'envoy.yaml'),
      settings(['f1 >= 0.9']).replace('models/vad.onnx', 'vad.onnx'),
    );
  });

  it('refuses to point the production alias at a version by hand, before registering', () => {
    const run = envoy(workspace, 'register', '--alias', 'production');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"production" moves only when a version passes its gates');
    expect(envoy(workspace, 'ls', '--model', 'vad').stdout).toBe('');
  });

  it('says a file that is not ONNX is not a valid model, without a stack trace', async () => {
    await writeFile(join(workspace, 'notes.onnx'), 'hello world\n');
    const run = envoy(workspace, 'register', '--path', 'notes.onnx');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/envoy\.yaml:3:5: .*notes\.onnx is not a valid ONNX model/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('builds a version after its source file was overwritten, from the kept copy', async () => {
    expect(envoy(workspace, 'register').code).toBe(0);
    await copyFile(join(RELEASES, 'silero_vad_v6.onnx'), join(workspace, 'vad.onnx'));
    const build = envoy(workspace, 'build', '--version', 'v1');
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/^sha256:[0-9a-f]{64} /);
  });

  it('with --must-exist, only looks files up and writes nothing for new ones', async () => {
    await copyFile(join(RELEASES, 'silero_vad_legacy.onnx'), join(workspace, 'new.onnx'));
    const before = envoy(workspace, 'ls', '--model', 'vad').stdout;
    const refused = envoy(workspace, 'register', '--path', 'new.onnx', '--must-exist');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not a registered version of vad');
    expect(envoy(workspace, 'ls', '--model', 'vad').stdout).toBe(before);
    await mkdir(join(workspace, 'again'), { recursive: true });
    await copyFile(join(RELEASES, 'silero_vad_v5.onnx'), join(workspace, 'again', 'vad.onnx'));
    const found = envoy(workspace, 'register', '--path', 'again/vad.onnx', '--must-exist');
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^vad v1 sha256:[0-9a-f]{64} \(already registered\)/);
  });

  it('refuses an unknown model in history', () => {
    const run = envoy(workspace, 'history', '--model', 'nope');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no model named "nope"');
  });

  it('explains what to do when there is no envoy.yaml', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'envoy-cli-empty-'));
    const run = envoy(empty, 'register', '--path', 'x.onnx');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('envoy.yaml: no such file: write one');
  });
});

describe('envoy command line', () => {
  it.each([
    [['--help'], 0, 'usage: envoy <command>'],
    [['gate', '--help'], 0, 'usage: envoy gate'],
    [['pipeline', '--help'], 0, '--release FILE'],
    [['history', '--help'], 0, '--at TIME'],
  ])('envoy %j prints help', (args, code, text) => {
    const run = envoy(REPO, ...args);
    expect(run.code).toBe(code);
    expect(run.stdout).toContain(text);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(envoy(REPO, '--version').stdout.trim()).toBe(version);
  });

  it('refuses an unknown command or option with exit 2', () => {
    expect(envoy(REPO, 'promote').code).toBe(2);
    const run = envoy(REPO, 'gate', '--colour');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--colour'");
  });

  it('reports a settings mistake with its line and column, without a stack trace', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'envoy-cli-bad-'));
    await writeFile(
      join(workspace, 'envoy.yaml'),
      'models:\n  - name: vad\n    path: m.onnx\nbenchmark:\n  trials: many\n',
    );
    const run = envoy(workspace, 'ls');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('envoy.yaml:5:11: benchmark.trials: must be integer, got "many"');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('works without envoy.yaml on embedded defaults when given a model and a path', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'envoy-cli-defaults-'));
    await copyFile(join(RELEASES, 'silero_vad_v6.onnx'), join(workspace, 'vad.onnx'));
    const run = envoy(workspace, 'register', '--model', 'vad', '--path', 'vad.onnx');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^vad v1 sha256:[0-9a-f]{64}\n$/);
    expect(run.stderr).toContain('using embedded defaults');
  });
});
