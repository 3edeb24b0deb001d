import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLog, UserError, type Metric } from '@envoy/core';
import { mergeEvaluationMetrics, parseEvaluationOutput, runEvaluation } from '../src/index.js';
import { FIXTURES, SILERO_FILE } from './helpers.js';

const SCRIPT = join(FIXTURES, 'evaluate.mjs');

function evaluate(mode: string, timeoutSeconds = 30) {
  const evaluation = { command: ['node', SCRIPT, '{model}', mode], timeoutSeconds };
  return runEvaluation(evaluation, SILERO_FILE, FIXTURES, new MemoryLog());
}

describe('runEvaluation', () => {
  it('runs the command on the model file and reads the last JSON line', async () => {
    const metrics = await evaluate('ok');

    expect(metrics).toEqual({
      f1: { value: 0.91, unit: '', direction: 'bigger-is-better', source: 'evaluation' },
      roc_auc: { value: 0.97, unit: '', direction: 'bigger-is-better', source: 'evaluation' },
      model_bytes: {
        value: statSync(SILERO_FILE).size,
        unit: '',
        direction: 'bigger-is-better',
        source: 'evaluation',
      },
      false_alarms_per_hour: {
        value: 1.5,
        unit: '1/h',
        direction: 'smaller-is-better',
        source: 'evaluation',
      },
    });
  });

  it('fails with the command’s last stderr lines', async () => {
    const run = evaluate('fail');

    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(
      'evaluation.command "node" exited with 3: loading labels.json\nlabels.json: no such file',
    );
  });

  it('fails when the command runs past its timeout', async () => {
    await expect(evaluate('hang', 0.5)).rejects.toThrow(/timed out after 0.5 s/);
  });

  it.each([
    ['silent', /printed no JSON object on standard output/],
    ['bad', /evaluation metric "f1" is "high": expected a number/],
  ])('refuses output of mode %s', async (mode, message) => {
    await expect(evaluate(mode)).rejects.toThrow(message);
  });

  it('names a command that is not installed', async () => {
    const evaluation = { command: ['envoy-no-such-evaluator', '{model}'], timeoutSeconds: 5 };
    await expect(runEvaluation(evaluation, SILERO_FILE, FIXTURES, new MemoryLog())).rejects.toThrow(
      'evaluation.command: "envoy-no-such-evaluator" is not installed or not on PATH',
    );
  });
});

describe('parseEvaluationOutput', () => {
  it.each([
    ['{"f1": 1}\n[1, 2]\n', 1],
    ['log {"f1": 5}\n  {"f1": 0.5}  \n{not json}\n', 0.5],
  ])('takes the last line that is a JSON object from %j', (stdout, f1) => {
    expect(parseEvaluationOutput(stdout).f1?.value).toBe(f1);
  });

  it.each([
    ['{"f1": null}', /"f1" is null/],
    ['{"f1": {"value": 1, "direction": "up"}}', /"f1" is \{"value":1,"direction":"up"\}/],
    ['{"f1": [1]}', /"f1" is \[1\]/],
  ])('refuses %s', (stdout, message) => {
    expect(() => parseEvaluationOutput(stdout)).toThrow(message);
  });
});

describe('mergeEvaluationMetrics', () => {
  const latency: Metric = {
    value: 1,
    unit: 'ms',
    direction: 'smaller-is-better',
    source: 'measured',
  };
  const f1: Metric = { value: 0.9, unit: '', direction: 'bigger-is-better', source: 'evaluation' };

  it('adds evaluation metrics beside measured ones', () => {
    expect(mergeEvaluationMetrics({ latency_p50_ms: latency }, { f1 })).toEqual({
      latency_p50_ms: latency,
      f1,
    });
  });

  it('refuses an evaluation metric named like a measured one', () => {
    expect(() =>
      mergeEvaluationMetrics({ latency_p50_ms: latency }, { latency_p50_ms: f1 }),
    ).toThrow('evaluation.command reports "latency_p50_ms", which the benchmark measured');
  });
});
