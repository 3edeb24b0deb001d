import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import { readResultsFile, writeResultsFile } from '../src/index.js';
import { CPU_ONLY, RESULTS } from './helpers.js';

async function tempFile(name = 'results.json'): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'envoy-results-')), name);
}

async function writeRaw(value: unknown): Promise<string> {
  const path = await tempFile();
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('results file', () => {
  it('round-trips through write and read', async () => {
    const path = await tempFile();
    await writeResultsFile(path, RESULTS);

    expect(await readResultsFile(path)).toEqual(RESULTS);
    expect(await readFile(path, 'utf8')).toMatch(/^\{\n {2}"schemaVersion": 1,/);
  });

  it('refuses to write results it could not read back', async () => {
    const path = await tempFile();
    const bad = { ...RESULTS, version: 0 };

    await expect(writeResultsFile(path, bad)).rejects.toThrow(/field "version" must be >= 1/);
  });

  const metrics = RESULTS.metrics;
  it.each([
    ['a newer schema', { ...RESULTS, schemaVersion: 2 }, 'schemaVersion is 2, expected 1'],
    ['no schema version', { model: 'x' }, 'schemaVersion is undefined, expected 1'],
    ['a missing field', { ...RESULTS, digest: undefined }, `field "digest" must have required`],
    ['an unknown field', { ...RESULTS, extra: 1 }, 'field "extra" must NOT have additional'],
    [
      'a metric value that is text',
      { ...RESULTS, metrics: { ...metrics, f1: { ...metrics.f1, value: 'high' } } },
      'field "metrics.f1.value" must be number (found "high")',
    ],
    [
      'a metric with an unknown direction',
      { ...RESULTS, metrics: { ...metrics, f1: { ...metrics.f1, direction: 'up' } } },
      'field "metrics.f1.direction" must be equal to one of the allowed values (found "up")',
    ],
    [
      'a latency sample that is not a number',
      { ...RESULTS, trials: [{ latenciesMs: [0.2, null], inferencesPerSecond: 1 }] },
      'field "trials[0].latenciesMs[1]" must be number (found null)',
    ],
    [
      'a start time that is not a date',
      { ...RESULTS, startedAt: 'yesterday' },
      'field "startedAt" must match format "date-time" (found "yesterday")',
    ],
    [
      'a hardware kind that does not exist',
      { ...RESULTS, hardware: { ...CPU_ONLY, kind: 'tpu' } },
      'field "hardware.kind" must be equal to one of the allowed values (found "tpu")',
    ],
  ])('refuses %s, naming the file and field', async (_, content, message) => {
    const path = await writeRaw(content);
    const read = readResultsFile(path);

    await expect(read).rejects.toThrow(UserError);
    await expect(read).rejects.toThrow(`${path}: ${message}`);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 1,', /: not JSON \(/],
    ['JSON null', 'null', /schemaVersion is undefined/],
  ])('refuses a file that is %s', async (_, text, message) => {
    await expect(readResultsFile(await writeRaw(text))).rejects.toThrow(message);
  });

  it('says when the file is missing', async () => {
    const path = await tempFile('absent.json');
    await expect(readResultsFile(path)).rejects.toThrow(`${path}: results file not found`);
  });
});
