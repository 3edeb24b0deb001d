import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLog, type Metric } from '@envoy/core';
import { commandDriver } from '../src/index.js';
import { driverContext, FIXTURES, REPO_ROOT, SILERO_FILE, sileroSettings } from './helpers.js';

const SCRIPT = join(FIXTURES, 'google-benchmark.mjs');

function commandContext(run: string[], output?: string) {
  const settings = sileroSettings({
    driver: 'command',
    command: { run, format: 'google-benchmark', ...(output ? { output } : {}) },
  });
  return driverContext(settings, new MemoryLog());
}

describe('commandDriver', () => {
  it('parses the Google Benchmark JSON the command prints', async () => {
    const output = await commandDriver.run(commandContext(['node', SCRIPT]));

    expect(output.metrics).toMatchObject({
      bm_infer_default_real_time_us: measured(250.5, 'us'),
      bm_infer_default_cpu_time_us: measured(249, 'us'),
    });
    expect(output.trials).toEqual([]);
    expect(output.runtime).toEqual({ command: `node ${SCRIPT}`, format: 'google-benchmark' });
  });

  it('reads the output file, relative to the workspace, after the command wrote it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'envoy-command-'));
    const file = relative(REPO_ROOT, join(folder, 'bench.json'));
    const output = await commandDriver.run(commandContext(['node', SCRIPT, `--out=${file}`], file));

    expect(output.metrics.bm_infer_default_real_time_us?.value).toBe(250.5);
    expect(JSON.parse(await readFile(join(folder, 'bench.json'), 'utf8'))).toHaveProperty(
      'benchmarks',
    );
  });

  it('replaces {model} in the argv with the model path', async () => {
    const output = await commandDriver.run(commandContext(['node', SCRIPT, '--model={model}']));

    expect(output.metrics.bm_infer_silero_vad_v5_real_time_us?.value).toBe(250.5);
    expect(output.runtime.command).toBe(`node ${SCRIPT} --model=${SILERO_FILE}`);
  });

  it.each([
    [['node', '-e', 'console.error("no GPU"); process.exit(2)'], /exited with 2: no GPU/],
    [['envoy-no-such-benchmark'], /"envoy-no-such-benchmark" is not installed/],
  ])('turns a failing command %j into a UserError', async (run, message) => {
    await expect(commandDriver.run(commandContext(run))).rejects.toThrow(message);
  });

  it('says when the command wrote no output file', async () => {
    const run = commandDriver.run(commandContext(['node', '-e', ''], 'missing/bench.json'));
    await expect(run).rejects.toThrow(/benchmark.command.output: the benchmark wrote no file/);
  });
});

function measured(value: number, unit: string): Partial<Metric> {
  return { value, unit, source: 'measured' };
}
