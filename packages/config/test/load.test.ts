import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, UserErrors } from '@envoy/core';
import {
  benchmarkSettingsFor,
  effectiveRegistryBackend,
  loadConfig,
  parseConfig,
  selectModel,
} from '../src/index.js';

const FULL = `version: "1"
models:
  - name: vad
    path: models/vad.onnx
    gate:
      rules:
        - latency_p99_ms <= 5
        - f1 >= baseline - 0.01
hardware:
  - name: cpu
    kind: cpu
  - name: h100
    kind: nvidia-gpu
    runs-on: [self-hosted, gpu]
    benchmark:
      execution-providers: [cuda, cpu]
benchmark:
  iterations: 50
  dimensions: { batch: 1 }
evaluation:
  command: [node, eval.mjs, --model, "{model}"]
deploy:
  - name: local
    port: 8123
`;

function problemsOf(text: string): UserError[] {
  try {
    parseConfig('envoy.yaml', text, '/repo');
  } catch (error) {
    if (error instanceof UserErrors) return error.problems;
    if (error instanceof UserError) return [error];
    throw error;
  }
  throw new Error('expected the settings to be rejected');
}

describe('parseConfig', () => {
  it('fills defaults around what the file sets', () => {
    const config = parseConfig('envoy.yaml', FULL, '/repo');
    const model = selectModel(config);
    expect(model.benchmark).toMatchObject({
      iterations: 50,
      warmup: 20,
      trials: 3,
      dimensions: { batch: 1 },
    });
    expect(model.evaluation).toEqual({
      command: ['node', 'eval.mjs', '--model', '{model}'],
      timeoutSeconds: 600,
    });
    expect(model.gate.rules.map((rule) => rule.text)).toEqual([
      'latency_p99_ms <= 5',
      'f1 >= baseline - 0.01',
    ]);
    expect(model.gate.rules[0]!.position).toEqual({ line: 7, column: 11 });
    expect(config.hardware[1]).toMatchObject({
      runsOn: ['self-hosted', 'gpu'],
      requireAccelerator: true,
    });
    expect(config.deploy[0]).toMatchObject({
      name: 'local',
      port: 8123,
      alias: 'production',
      host: '127.0.0.1',
    });
    expect(config.registry).toEqual({
      path: '.envoy/registry',
      branch: 'envoy-registry',
      remote: 'origin',
    });
  });

  it('applies a hardware target’s benchmark overrides over the model’s settings', () => {
    const config = parseConfig('envoy.yaml', FULL, '/repo');
    const settings = benchmarkSettingsFor(selectModel(config), config.hardware[1]!);
    expect(settings.executionProviders).toEqual(['cuda', 'cpu']);
    expect(settings.iterations).toBe(50);
  });

  it('uses the git registry inside GitHub Actions unless one is chosen', () => {
    const config = parseConfig('envoy.yaml', FULL, '/repo');
    expect(effectiveRegistryBackend(config, { GITHUB_ACTIONS: 'true' })).toBe('git');
    expect(effectiveRegistryBackend(config, {})).toBe('local');
    const local = parseConfig('envoy.yaml', `registry: { backend: local }\n${FULL}`, '/repo');
    expect(effectiveRegistryBackend(local, { GITHUB_ACTIONS: 'true' })).toBe('local');
  });

  it.each([
    {
      name: 'a type error',
      text: 'models:\n  - name: vad\n    path: m.onnx\nbenchmark:\n  iterations: ten\n',
      message: 'envoy.yaml:5:15: benchmark.iterations: must be integer, got "ten"',
    },
    {
      name: 'an unknown field',
      text: 'models:\n  - name: vad\n    path: m.onnx\n    pth: x\n',
      message: 'envoy.yaml:4:5: models[0].pth: unknown field "pth", got "x"',
    },
    {
      name: 'a missing field',
      text: 'models:\n  - name: vad\n',
      message: 'envoy.yaml:2:5: models[0].path: missing required field "path"',
    },
    {
      name: 'a bad kind',
      text: 'models:\n  - { name: vad, path: m.onnx }\nhardware:\n  - { name: x, kind: tpu }\n',
      message:
        'envoy.yaml:4:22: hardware[0].kind: must be one of "cpu", "nvidia-gpu", "amd-gpu", "fpga", got "tpu"',
    },
    {
      name: 'a bad gate rule',
      text: 'models:\n  - name: vad\n    path: m.onnx\ngate:\n  rules:\n    - latency_p99_ms <= fast\n',
      message: 'envoy.yaml:6:7: gate.rules[0]: threshold "fast" is neither a number',
    },
    {
      name: 'a YAML syntax error',
      text: 'models:\n  - name: vad\n   path: [\n',
      message: 'envoy.yaml:3:',
    },
    {
      name: 'a duplicate model name',
      text: 'models:\n  - { name: vad, path: a.onnx }\n  - { name: vad, path: b.onnx }\n',
      message: 'envoy.yaml:3:13: models[1].name: "vad" is used twice',
    },
  ])('reports $name with file, line, column, field and value', ({ text, message }) => {
    const problems = problemsOf(text);
    expect(problems.map((problem) => problem.message).join('\n')).toContain(message);
    expect(problems[0]!.location?.file).toBe('envoy.yaml');
    expect(problems[0]!.location?.line).toBeGreaterThan(0);
  });

  it('keeps version: 1.10 exactly as written, never 1.1', () => {
    const [problem] = problemsOf('version: 1.10\nmodels:\n  - { name: vad, path: m.onnx }\n');
    expect(problem!.message).toContain('envoy.yaml:1:10: version: must be one of "1", got "1.10"');
    expect(problem!.message).not.toContain('1.1"');
  });

  it('accepts an unquoted version 1', () => {
    expect(() =>
      parseConfig('envoy.yaml', 'version: 1\nmodels:\n  - { name: vad, path: m.onnx }\n', '/'),
    ).not.toThrow();
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      'models:\n  - name: Bad Name\n    path: m.onnx\n    gate:\n      rules: ["x ~ 1", "y <= baseline * z"]\n',
    );
    expect(problems.length).toBeGreaterThanOrEqual(1);
    const gateProblems = problemsOf(
      'models:\n  - name: vad\n    path: m.onnx\n    gate:\n      rules: ["x ~ 1", "y <= baseline * z"]\n',
    );
    expect(gateProblems.map((problem) => problem.location?.field)).toEqual([
      'models[0].gate.rules[0]',
      'models[0].gate.rules[1]',
    ]);
  });
});

describe('loadConfig', () => {
  it('names the file it cannot read', async () => {
    await expect(loadConfig('/nonexistent/envoy.yaml')).rejects.toThrow(
      '/nonexistent/envoy.yaml: cannot read settings: no such file',
    );
  });

  it('resolves paths against the file’s folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'envoy-config-'));
    await writeFile(join(folder, 'envoy.yaml'), FULL);
    const config = await loadConfig(join(folder, 'envoy.yaml'));
    expect(config.root).toBe(folder);
  });
});
