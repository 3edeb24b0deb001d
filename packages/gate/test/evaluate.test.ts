import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import { checkResultsAreFor, evaluateGate, type Baseline } from '@envoy/gate';
import { baselineResults, results, rule } from './helpers.js';

const production = (metrics = {}, changes = {}): Baseline => ({
  version: 3,
  results: baselineResults(metrics, changes),
});

describe('absolute rules', () => {
  it.each([
    ['latency_p99_ms < 5', true],
    ['latency_p99_ms < 4.2', false],
    ['latency_p99_ms <= 4.2', true],
    ['latency_p99_ms <= 4.1', false],
    ['latency_p99_ms > 4', true],
    ['latency_p99_ms > 4.2', false],
    ['latency_p99_ms >= 4.2', true],
    ['latency_p99_ms >= 4.3', false],
    ['latency_p99_ms == 4.2', true],
    ['latency_p99_ms == 4.3', false],
    ['latency_p99_ms != 4.3', true],
    ['latency_p99_ms != 4.2', false],
    ['throughput >= 800', true],
    ['f1 >= 0.95', false],
  ])('%s → passed %s', (text, passed) => {
    const decision = evaluateGate({ rules: [rule(text)], results: results() });
    expect(decision.outcomes[0]).toMatchObject({ passed, actual: expect.any(Number) });
    expect(decision.verdict).toBe(passed ? 'passed' : 'failed');
  });

  it('gives the actual value, the threshold and a reason with the unit', () => {
    const [outcome] = evaluateGate({
      rules: [rule('latency_p99_ms <= 4')],
      results: results(),
    }).outcomes;
    expect(outcome).toMatchObject({ passed: false, actual: 4.2, threshold: 4 });
    expect(outcome?.reason).toBe('latency_p99_ms = 4.2 ms, which is not <= 4 ms');
  });
});

describe('relative rules', () => {
  it.each([
    ['latency_p50_ms <= baseline * 1.10', 1.1, 1.21, true],
    ['latency_p50_ms <= baseline * 1.10', 1.05, 1.155, false],
    ['latency_p50_ms <= baseline * 1.05', 1.0, 1.05, false],
    ['f1 >= baseline - 0.01', 0.92, 0.91, true],
    ['f1 >= baseline - 0.01', 0.93, 0.92, false],
    ['throughput >= baseline + 20', 800, 820, true],
    ['throughput >= baseline + 21', 800, 821, false],
    ['throughput >= baseline', 820, 820, true],
    ['throughput > baseline', 820, 820, false],
    ['latency_p99_ms == baseline', 4.2, 4.2, true],
    ['latency_p99_ms != baseline', 4.2, 4.2, false],
  ])('%s with baseline %d → threshold %d, passed %s', (text, base, threshold, passed) => {
    const metric = text.split(' ')[0] ?? '';
    const decision = evaluateGate({
      rules: [rule(text)],
      results: results(),
      baseline: production({ [metric]: { value: base } }),
    });
    expect(decision.outcomes[0]?.threshold).toBeCloseTo(threshold, 9);
    expect(decision.outcomes[0]).toMatchObject({ passed, baseline: base });
    expect(decision.baseline).toEqual({ version: 3, hardwareClass: 'hc-5f3a91c2' });
  });

  it('does not let rounding decide a rule at its exact bound', () => {
    // 0.3 - 0.1 is 0.19999999999999998 in binary floating point.
    const decision = evaluateGate({
      rules: [rule('f1 <= baseline - 0.1')],
      results: results({ f1: { value: 0.2 } }),
      baseline: production({ f1: { value: 0.3 } }),
    });
    expect(decision.verdict).toBe('passed');
  });

  it('gives the ratio to the baseline and says how the threshold was reached', () => {
    const [outcome] = evaluateGate({
      rules: [rule('latency_p50_ms <= baseline * 1.1')],
      results: results({ latency_p50_ms: { value: 1.5 } }),
      baseline: production({ latency_p50_ms: { value: 1.2 } }),
    }).outcomes;
    expect(outcome?.ratio).toBeCloseTo(1.25, 9);
    expect(outcome?.reason).toBe(
      'latency_p50_ms = 1.5 ms, which is not <= 1.32 ms (baseline × 1.1, with baseline version 3 at 1.2 ms)',
    );
  });

  it.each([
    [0, Infinity],
    [5, Infinity],
    [-2, -Infinity],
  ])('a zero baseline gives a ratio of ±∞, never NaN (actual %d)', (actual, ratio) => {
    const [outcome] = evaluateGate({
      rules: [rule('latency_p99_ms <= baseline + 1')],
      results: results({ latency_p99_ms: { value: actual } }),
      baseline: production({ latency_p99_ms: { value: 0 } }),
    }).outcomes;
    expect(outcome?.ratio).toBe(ratio);
  });

  it('shows the baseline beside absolute rules too, for reference', () => {
    const [outcome] = evaluateGate({
      rules: [rule('latency_p99_ms <= 5')],
      results: results(),
      baseline: production({ latency_p99_ms: { value: 2.1 } }),
    }).outcomes;
    expect(outcome).toMatchObject({ passed: true, baseline: 2.1, ratio: 2 });
  });
});

describe('failing closed', () => {
  it.each([
    [
      'missing',
      undefined,
      'metric latency_p95_ms is not in the results (they have: f1, latency_p50_ms, latency_p99_ms, throughput)',
    ],
    ['NaN', NaN, 'metric latency_p95_ms is NaN, not a finite number'],
    ['infinite', Infinity, 'metric latency_p95_ms is ∞, not a finite number'],
    ['negative infinite', -Infinity, 'metric latency_p95_ms is −∞, not a finite number'],
  ])('a %s metric fails its rule, saying why', (_, value, reason) => {
    const metrics: Record<string, { value: number }> =
      value === undefined ? {} : { latency_p95_ms: { value } };
    for (const text of ['latency_p95_ms <= 5', 'latency_p95_ms != 1', 'latency_p95_ms >= -1e308']) {
      const decision = evaluateGate({ rules: [rule(text)], results: results(metrics) });
      expect(decision.verdict).toBe('failed');
      expect(decision.outcomes[0]).toMatchObject({ passed: false, reason });
    }
  });

  it.each([
    ['missing', undefined, 'baseline version 3 has no metric f1'],
    ['NaN', NaN, 'metric f1 of baseline version 3 is NaN, not a finite number'],
  ])('a %s baseline metric fails the relative rule', (_, value, reason) => {
    const theirs = baselineResults(value === undefined ? {} : { f1: { value } });
    if (value === undefined) delete theirs.metrics.f1;
    const decision = evaluateGate({
      rules: [rule('f1 >= baseline - 0.01')],
      results: results(),
      baseline: { version: 3, results: theirs },
    });
    expect(decision.outcomes[0]).toMatchObject({ passed: false, reason });
    expect(decision.verdict).toBe('failed');
  });

  it('a baseline from another hardware class fails every relative rule, naming both classes', () => {
    const decision = evaluateGate({
      rules: [
        rule('latency_p99_ms <= 5'),
        rule('latency_p50_ms <= baseline * 1.1'),
        rule('f1 >= baseline'),
      ],
      results: results(),
      baseline: production({}, { hardware: { ...results().hardware, class: 'hc-0a0b0c0d' } }),
    });
    const reason =
      'baseline version 3 was measured on hardware class hc-0a0b0c0d, not hc-5f3a91c2; relative rules only compare results from one hardware class';
    expect(decision.verdict).toBe('failed');
    expect(decision.outcomes.map((outcome) => outcome.passed)).toEqual([true, false, false]);
    expect(decision.outcomes[1]?.reason).toBe(reason);
    expect(decision.notes).toContain(`every relative rule fails: ${reason}`);
    expect(decision.baseline).toEqual({ version: 3, hardwareClass: 'hc-0a0b0c0d' });
  });

  it.each([
    [['hc-0a0b0c0d', 'hc-77e1aa90'], 'it has results on hc-0a0b0c0d, hc-77e1aa90'],
    [[], 'it has no results at all'],
  ])(
    'production without results on this class fails relative rules (%j)',
    (otherClasses, where) => {
      const decision = evaluateGate({
        rules: [rule('latency_p99_ms <= 5'), rule('throughput >= baseline')],
        results: results(),
        baseline: { version: 3, otherClasses },
      });
      expect(decision.verdict).toBe('failed');
      expect(decision.outcomes[1]?.reason).toBe(
        `production version 3 has no results on hardware class hc-5f3a91c2 (${where}); relative rules only compare results from one hardware class`,
      );
      expect(decision.baseline).toBeUndefined();
    },
  );

  it('production measured again on a new hardware class says its hardware or drivers changed', () => {
    const current = results();
    const decision = evaluateGate({
      rules: [rule('latency_p99_ms <= 5'), rule('throughput >= baseline')],
      results: current,
      baseline: { version: current.version, otherClasses: ['hc-0a0b0c0d'] },
    });
    expect(decision.verdict).toBe('failed');
    expect(decision.outcomes[1]?.reason).toBe(
      `production version ${current.version} was measured before on hardware class hc-0a0b0c0d, ` +
        'never on hc-5f3a91c2: the hardware or its drivers changed since. Once recorded, these ' +
        'results are the baseline on this class; relative rules only compare results from one ' +
        'hardware class',
    );
  });

  it('refuses baseline results of another model', () => {
    const decision = evaluateGate({
      rules: [rule('f1 >= baseline')],
      results: results(),
      baseline: production({}, { model: 'other-model' }),
    });
    expect(decision.outcomes[0]?.reason).toBe(
      'the baseline results are for model other-model, not silero-vad',
    );
  });
});

describe('the first version', () => {
  it('is judged on absolute rules only, skipping relative ones with a note', () => {
    const decision = evaluateGate({
      rules: [
        rule('latency_p99_ms <= 5'),
        rule('latency_p50_ms <= baseline * 1.1'),
        rule('f1 >= baseline - 0.01'),
      ],
      results: results(),
    });
    expect(decision.verdict).toBe('passed');
    expect(decision.outcomes.map((outcome) => outcome.skipped ?? false)).toEqual([
      false,
      true,
      true,
    ]);
    expect(decision.outcomes[1]?.reason).toBe(
      'skipped: this is the first version, so there is no baseline to compare with',
    );
    expect(decision.notes).toEqual([
      'no production version of silero-vad yet: this first version is judged on its absolute rules only, and 2 relative rules were skipped',
    ]);
  });

  it('still fails on a failing absolute rule', () => {
    const decision = evaluateGate({
      rules: [rule('latency_p99_ms <= 3'), rule('latency_p50_ms <= baseline')],
      results: results(),
    });
    expect(decision.verdict).toBe('failed');
  });

  it('says so when every rule was skipped', () => {
    const decision = evaluateGate({ rules: [rule('f1 >= baseline')], results: results() });
    expect(decision.verdict).toBe('passed');
    expect(decision.notes).toContain('every rule compares with a baseline, so nothing was checked');
  });
});

describe('unstable measurements', () => {
  const unstable = {
    stability: { coefficientOfVariation: 0.12, maxCoefficientOfVariation: 0.05, stable: false },
  };

  it.each([
    ['a passing measured rule', ['latency_p99_ms <= 5'], 'unstable'],
    ['a failing measured rule', ['latency_p99_ms <= 3'], 'unstable'],
    ['a failing relative measured rule', ['latency_p50_ms <= baseline * 0.5'], 'unstable'],
    [
      'a failing evaluation rule beside a measured one',
      ['latency_p99_ms <= 5', 'f1 >= 0.95'],
      'failed',
    ],
    [
      'a missing metric beside a measured one',
      ['latency_p99_ms <= 3', 'latency_p95_ms <= 5'],
      'failed',
    ],
    ['evaluation rules only, passing', ['f1 >= 0.9'], 'passed'],
    ['evaluation rules only, failing', ['f1 >= 0.95'], 'failed'],
  ])('%s → %s', (_, texts, verdict) => {
    const decision = evaluateGate({
      rules: texts.map((text) => rule(text)),
      results: results({}, unstable),
      baseline: production(),
    });
    expect(decision.verdict).toBe(verdict);
  });

  it('explains an unstable verdict', () => {
    const decision = evaluateGate({
      rules: [rule('latency_p99_ms <= 5')],
      results: results({}, unstable),
    });
    expect(decision.notes).toEqual([
      'the measurements were unstable (coefficient of variation 0.12 is above the limit 0.05): rules on measured metrics cannot decide; rerun the benchmark on quieter hardware',
    ]);
  });

  it('says when the failure stands despite the noise', () => {
    const decision = evaluateGate({
      rules: [rule('f1 >= 0.95'), rule('latency_p99_ms <= 5')],
      results: results({}, unstable),
    });
    expect(decision.notes[0]).toContain('but a rule failed for a reason noise cannot explain');
  });

  it('notes an unstable baseline', () => {
    const decision = evaluateGate({
      rules: [rule('f1 >= baseline')],
      results: results(),
      baseline: production({}, unstable),
    });
    expect(decision.verdict).toBe('passed');
    expect(decision.notes).toEqual(['the baseline results of version 3 were unstable too']);
  });
});

describe('no rules', () => {
  it('passes with a warning note', () => {
    const decision = evaluateGate({ rules: [], results: results(), baseline: production() });
    expect(decision).toMatchObject({
      verdict: 'passed',
      outcomes: [],
      notes: ['no gate rules: nothing was checked'],
    });
  });
});

describe('checkResultsAreFor', () => {
  const digest = results().digest;

  it('accepts the version being gated', () => {
    expect(() =>
      checkResultsAreFor(results(), { model: 'silero-vad', version: 4, digest }, 'r.json'),
    ).not.toThrow();
  });

  it.each([
    [
      { model: 'other', version: 4 },
      'r.json holds results for silero-vad v4 (sha256:8f2c1d4e',
      'not other v4',
    ],
    [{ model: 'silero-vad', version: 5 }, 'holds results for silero-vad v4', 'not silero-vad v5'],
    [
      { model: 'silero-vad', version: 4, digest: 'sha256:00' },
      'holds results for silero-vad v4',
      'not silero-vad v4 (sha256:00)',
    ],
  ])('refuses results of another version: %j', (expected, start, end) => {
    expect(() => checkResultsAreFor(results(), expected, 'r.json')).toThrow(UserError);
    expect(() => checkResultsAreFor(results(), expected, 'r.json')).toThrow(start);
    expect(() => checkResultsAreFor(results(), expected, 'r.json')).toThrow(end);
  });
});
