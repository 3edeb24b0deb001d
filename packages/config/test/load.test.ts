import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, UserErrors } from '@envoy/core';
import { checkAliasName, checkModelName } from '@envoy/registry';
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

const MINIMAL = 'models:\n  - { name: vad, path: m.onnx }\n';

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
      name: 'a second YAML document',
      text: `${MINIMAL}---\nmodels: []\n`,
      message: 'envoy.yaml:3:1: a settings file holds one YAML document; found a second one here',
    },
    {
      name: 'an alias to no anchor',
      text: 'models: *vads\n',
      message: 'envoy.yaml:1:9: *vads refers to no anchor: mark a value above it with &vads',
    },
    {
      name: 'an empty file',
      text: '',
      message: 'envoy.yaml:1:1: the file is empty: it needs at least `models:`',
    },
    {
      name: 'a file of comments only',
      text: '# settings to come\n',
      message: 'envoy.yaml:1:1: the file is empty: it needs at least `models:`',
    },
    {
      name: 'a model name with two dots in a row',
      text: 'models:\n  - { name: a..b, path: m.onnx }\n',
      message:
        'envoy.yaml:2:13: models[0].name: must be lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, never two dots in a row, got "a..b"',
    },
    {
      name: 'a promote-to alias with two dots',
      text: `${MINIMAL}gate:\n  promote-to: prod..1\n`,
      message: 'envoy.yaml:4:15: gate.promote-to: must be lowercase letters',
    },
    {
      name: 'a baseline-alias with two dots',
      text: `${MINIMAL}gate:\n  baseline-alias: ..\n`,
      message: 'envoy.yaml:4:19: gate.baseline-alias: must be lowercase letters',
    },
    {
      name: 'a deploy alias with two dots',
      text: `${MINIMAL}deploy:\n  - { name: local, alias: x..y }\n`,
      message: 'envoy.yaml:4:27: deploy[0].alias: must be lowercase letters',
    },
    {
      name: 'max-cv: .nan',
      text: `${MINIMAL}benchmark:\n  max-cv: .nan\n`,
      message: 'envoy.yaml:4:11: benchmark.max-cv: must be a finite number, got .nan',
    },
    {
      name: 'max-cv: .inf',
      text: `${MINIMAL}benchmark:\n  max-cv: .inf\n`,
      message: 'envoy.yaml:4:11: benchmark.max-cv: must be a finite number, got .inf',
    },
    {
      name: 'a number too large for a double',
      text: `${MINIMAL}benchmark:\n  progress-seconds: 1e400\n`,
      message: 'envoy.yaml:4:21: benchmark.progress-seconds: must be a finite number, got 1e400',
    },
    {
      name: 'an iteration count past the maximum',
      text: `${MINIMAL}benchmark:\n  iterations: 10000000000000000000000\n`,
      message:
        'envoy.yaml:4:15: benchmark.iterations: must be <= 10000000, got 10000000000000000000000',
    },
    {
      name: 'a warmup past the maximum',
      text: `${MINIMAL}benchmark:\n  warmup: 1e12\n`,
      message: 'envoy.yaml:4:11: benchmark.warmup: must be <= 10000000, got 1e12',
    },
    {
      name: 'too many trials',
      text: `${MINIMAL}benchmark:\n  trials: 1001\n`,
      message: 'envoy.yaml:4:11: benchmark.trials: must be <= 1000, got 1001',
    },
    {
      name: 'an integer too large to hold exactly',
      text: `${MINIMAL}benchmark:\n  inputs: { x: { value: 9007199254740993 } }\n`,
      message:
        'envoy.yaml:4:25: benchmark.inputs.x.value: must be at most 9007199254740991 to be held exactly, got 9007199254740993',
    },
    {
      name: 'a dimension too large to hold exactly',
      text: `${MINIMAL}benchmark:\n  dimensions: { batch: 9007199254740993 }\n`,
      message:
        'envoy.yaml:4:24: benchmark.dimensions.batch: must be <= 9007199254740991, got 9007199254740993',
    },
    {
      name: 'NaN where a name belongs',
      text: 'models:\n  - { name: .nan, path: m.onnx }\n',
      message: 'envoy.yaml:2:13: models[0].name: must be string, got .nan',
    },
    {
      name: 'an infinite rule threshold',
      text: `${MINIMAL}gate:\n  rules: ['f1 >= 1e400']\n`,
      message: 'envoy.yaml:4:11: gate.rules[0]: threshold "1e400" is too large a number',
    },
    {
      name: 'baseline as the metric',
      text: `${MINIMAL}gate:\n  rules: ['baseline >= 0.9']\n`,
      message: 'envoy.yaml:4:11: gate.rules[0]: baseline is not a metric name',
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

  it('never lets a library’s own wording through', () => {
    const texts = [
      `${MINIMAL}---\nmodels: []\n`,
      `${MINIMAL}benchmark:\n  max-cv: .nan\n`,
      `${MINIMAL}benchmark:\n  max-cv: -.inf\n`,
    ];
    const messages = texts.flatMap((text) => problemsOf(text).map((problem) => problem.message));
    expect(messages.join('\n')).not.toMatch(/parseAllDocuments|got null|must be > 0/);
  });

  it('reports gate rule mistakes together with schema mistakes', () => {
    const problems = problemsOf(
      'models:\n  - name: vad\n    path: m.onnx\n    gate:\n      rules: ["x ~ 1"]\nbenchmark:\n  iterations: lots\n',
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('envoy.yaml:5:15: models[0].gate.rules[0]: expected'),
      'envoy.yaml:7:15: benchmark.iterations: must be integer, got "lots"',
    ]);
  });

  it('finds a misplaced rules list too, and reports it with the unknown field', () => {
    const fields = problemsOf(`${MINIMAL}rules: ['f1 >= baseline / 2']\n`).map(
      (problem) => problem.location?.field,
    );
    expect(fields).toEqual(['rules', 'rules[0]']);
  });

  it('leaves a "rules" list inside an HTTP request body alone', () => {
    const text = `${MINIMAL}benchmark:\n  http:\n    body: { rules: ['any text'] }\n`;
    expect(() => parseConfig('envoy.yaml', text, '/repo')).not.toThrow();
  });

  it('merges anchored settings with <<', () => {
    const config = parseConfig(
      'envoy.yaml',
      'models:\n  - &vad { name: vad, path: m.onnx, benchmark: { iterations: 7 } }\n' +
        '  - { <<: *vad, name: vad-int8, path: m-int8.onnx }\n',
      '/repo',
    );
    expect(
      config.models.map((model) => [model.name, model.path, model.benchmark.iterations]),
    ).toEqual([
      ['vad', 'm.onnx', 7],
      ['vad-int8', 'm-int8.onnx', 7],
    ]);
  });

  it('accepts exactly the model and alias names the registry accepts', () => {
    const letters = ['a', '7', '.', '_', '-', 'A'];
    const names = letters.flatMap((a) =>
      ['', ...letters].flatMap((b) => ['', ...letters].map((c) => `${a}${b}${c}`)),
    );
    names.push('a'.repeat(100), 'a'.repeat(101), 'vad.v2..onnx');
    for (const name of names) {
      const text = `models:\n  - { name: ${JSON.stringify(name)}, path: m.onnx }\ngate:\n  promote-to: ${JSON.stringify(name)}\n`;
      const accepted = accepts(text);
      expect({ name, accepted }).toEqual({ name, accepted: registryAccepts(name) });
    }
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

function accepts(text: string): boolean {
  try {
    parseConfig('envoy.yaml', text, '/repo');
    return true;
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
}

function registryAccepts(name: string): boolean {
  try {
    checkModelName(name);
    checkAliasName(name);
    return true;
  } catch {
    return false;
  }
}

describe('loadConfig', () => {
  it('names the file it cannot read', async () => {
    await expect(loadConfig('/nonexistent/envoy.yaml')).rejects.toThrow(
      '/nonexistent/envoy.yaml: cannot read settings: no such file',
    );
  });

  it('says a folder is not a settings file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'envoy-config-'));
    await mkdir(join(folder, 'envoy.yaml'));
    const error = await loadConfig(join(folder, 'envoy.yaml')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `${join(folder, 'envoy.yaml')}: is a directory, not a settings file`,
    );
  });

  it('resolves paths against the file’s folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'envoy-config-'));
    await writeFile(join(folder, 'envoy.yaml'), FULL);
    const config = await loadConfig(join(folder, 'envoy.yaml'));
    expect(config.root).toBe(folder);
  });
});
