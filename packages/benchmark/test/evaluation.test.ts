import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLog, UserError, type Metric } from '@envoy/core';
import { mergeEvaluationMetrics, parseEvaluationOutput, runEvaluation } from '../src/index.js';
import { FIXTURES, SILERO_FILE } from './helpers.js';

const SCRIPT = join(FIXTURES, 'evaluate.mjs');

function evaluate(mode: string, timeoutSeconds = 30) {
  return evaluateWith(['node', SCRIPT, '{model}', mode], timeoutSeconds);
}

function evaluateWith(command: string[], timeoutSeconds = 30, log = new MemoryLog()) {
  return runEvaluation({ command, timeoutSeconds }, SILERO_FILE, FIXTURES, log);
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

  it('stops at the timeout a command whose child keeps its output open', async () => {
    const script = 'echo scoring >&2; sleep 1000; echo \'{"f1": 1}\'';
    const run = evaluateWith(['sh', '-c', script], 0.5);

    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow('evaluation.command "sh" timed out after 0.5 s: scoring');
  }, 10_000);

  it('quotes a failing command’s stderr from the line naming the error', async () => {
    const run = evaluateWith(['node', 'no-such-evaluate.mjs']);

    await expect(run).rejects.toThrow(
      /exited with 1: [^]*Error: Cannot find module .*no-such-evaluate/,
    );
    await expect(run).rejects.toThrow(/code: 'MODULE_NOT_FOUND'[^]*Node\.js v\d+/);
  });

  it('cuts a long stderr in the middle, keeping its start and its last line', async () => {
    const noise = 'console.error(("x".repeat(299) + "\\n").repeat(100) + "the last line")';
    const run = evaluateWith(['node', '-e', `${noise}; process.exit(2)`]);

    const message = await run.catch((error: Error) => error.message);
    expect(message).toMatch(/^evaluation.command "node" exited with 2: x{299}\n/);
    expect(message).toMatch(/\n\[\d+ characters left out\]\n/);
    expect(message).toMatch(/the last line$/);
    expect(message.length).toBeLessThan(2100);
  });

  it('says when a failing command printed nothing on stderr', async () => {
    await expect(evaluateWith(['node', '-e', 'process.exit(2)'])).rejects.toThrow(
      'evaluation.command "node" exited with 2 and printed nothing on standard error',
    );
  });

  it('leaves out a metric printed as null, with a warning', async () => {
    const log = new MemoryLog();
    const print = 'console.log(JSON.stringify({ f1: null, roc_auc: 0.9 }))';

    const metrics = await evaluateWith(['node', '-e', print], 30, log);

    expect(Object.keys(metrics)).toEqual(['roc_auc']);
    expect(log.lines).toContain(
      'warning: evaluation metric "f1" is null: left out of the results, so a gate rule on it ' +
        'fails as missing',
    );
  });

  it('names the command that printed an infinite metric', async () => {
    const run = evaluateWith(['node', '-e', 'console.log(\'{"f1": 1e999}\')']);
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(
      'evaluation metric "f1" is Infinity, not a finite number (JSON numbers beyond ±1.8e308 ' +
        'read as infinite): evaluation.command "node" must print a finite number',
    );
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
    ['{"f1": null, "auc": 1}', ['auc']],
    ['{"f1": {"value": null, "unit": ""}, "auc": 1}', ['auc']],
    ['{"f1": null}', []],
  ])('leaves out the null metrics of %s', (stdout, names) => {
    expect(Object.keys(parseEvaluationOutput(stdout))).toEqual(names);
  });

  it.each([
    ['{"f1": NaN}', 'NaN'],
    ['{"f1": 0.1}\n{"f1": Infinity, "auc": 0.9}', 'Infinity'],
    ['{"loss": -Infinity}\ndone', '-Infinity'],
  ])('says JSON has no %j', (stdout, word) => {
    const line = stdout.split('\n').find((text) => text.includes(word));
    expect(() => parseEvaluationOutput(stdout)).toThrow(
      `evaluation.command printed ${JSON.stringify(line)}: ${word} is not JSON: print null or ` +
        'leave the metric out',
    );
  });

  it('quotes a last line that is not valid JSON', () => {
    expect(() => parseEvaluationOutput('{"f1": 0.9,}\n', { command: 'python' })).toThrow(
      'evaluation.command "python": the last line of its standard output is not valid JSON: ' +
        '"{\\"f1\\": 0.9,}"',
    );
  });

  it.each([
    ['{"f1": 1e999}', 'Infinity'],
    ['{"f1": -1e999}', '-Infinity'],
    ['{"f1": {"value": 1e400, "unit": ""}}', 'Infinity'],
  ])('refuses the non-finite value of %s', (stdout, value) => {
    expect(() => parseEvaluationOutput(stdout)).toThrow(
      `evaluation metric "f1" is ${value}, not a finite number`,
    );
  });

  it.each([
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
