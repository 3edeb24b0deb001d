import { describe, expect, it } from 'vitest';
import {
  evaluateGate,
  formatNumber,
  renderGateReport,
  reportDigest,
  type GateDecision,
} from '@envoy/gate';
import { baselineResults, results, rule } from './helpers.js';

const context = {
  model: 'silero-vad',
  version: 4,
  digest: 'sha256:8f2c1d4e',
  target: 'cpu-x86',
  hardwareClass: 'hc-5f3a91c2',
  configFile: 'envoy.yaml',
};

function decide(texts: string[], metrics = {}, baseline = true): GateDecision {
  return evaluateGate({
    rules: texts.map((text, index) => rule(text, 20 + index)),
    results: results(metrics),
    ...(baseline
      ? { baseline: { version: 3, results: baselineResults({ latency_p50_ms: { value: 1.0 } }) } }
      : {}),
  });
}

describe('formatNumber', () => {
  it.each([
    [Infinity, '∞'],
    [-Infinity, '−∞'],
    [NaN, 'NaN'],
    [0, '0'],
    [-0, '0'],
    [5, '5'],
    [12345, '12345'],
    [4.2, '4.2'],
    [1.1, '1.1'],
    [1.0999999999999999, '1.1'],
    [1.2100000000000002, '1.21'],
    [2 / 3, '0.6667'],
    [0.0123, '0.0123'],
    [1234.5678, '1235'],
    [-3.14159, '-3.142'],
    [1.5e-7, '1.5e-7'],
    [4.5e21, '4.5e+21'],
  ])('%d → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('renderGateReport', () => {
  it('writes the verdict, what was gated and one row per rule', () => {
    const report = renderGateReport(
      decide(['latency_p99_ms <= 5', 'latency_p50_ms <= baseline * 1.1']),
      context,
    );
    expect(report).toContain('# ❌ Gate failed: silero-vad v4\n');
    expect(report).toContain('| Hardware class | `hc-5f3a91c2` |');
    expect(report).toContain('| Baseline | version 3 on hardware class `hc-5f3a91c2` |');
    expect(report).toContain('| Digest | `sha256:8f2c1d4e` |');
    expect(report).toContain('| Rule | Actual | Threshold | Baseline | Ratio | Result |');
    expect(report).toContain('| `latency_p99_ms <= 5` (envoy.yaml:20) | 4.2 | 5 | 4.2 | 1 | ✅ |');
    expect(report).toContain(
      '| `latency_p50_ms <= baseline * 1.1` (envoy.yaml:21) | 1.2 | 1.1 | 1 | 1.2 | ❌ |',
    );
    expect(report).toContain(
      '- ❌ `latency_p50_ms <= baseline * 1.1`: latency_p50_ms = 1.2 ms, which is not <= 1.1 ms (baseline × 1.1, with baseline version 3 at 1 ms)',
    );
  });

  it.each([
    ['passed', ['latency_p99_ms <= 5'], '# ✅ Gate passed'],
    ['failed', ['latency_p99_ms <= 1'], '# ❌ Gate failed'],
  ])('headline when %s', (_, texts, headline) => {
    expect(renderGateReport(decide(texts), context).startsWith(headline)).toBe(true);
  });

  it('headline when unstable', () => {
    const decision = evaluateGate({
      rules: [rule('latency_p99_ms <= 5')],
      results: results(
        {},
        {
          stability: {
            coefficientOfVariation: 0.2,
            maxCoefficientOfVariation: 0.05,
            stable: false,
          },
        },
      ),
    });
    expect(renderGateReport(decision, context)).toMatch(
      /^# ⚠️ Gate undecided: unstable measurements/,
    );
  });

  it('marks skipped rules and explains the first version in the notes', () => {
    const report = renderGateReport(
      decide(['latency_p99_ms <= 5', 'f1 >= baseline'], {}, false),
      context,
    );
    expect(report).toContain('| Baseline | none |');
    expect(report).toContain('| `f1 >= baseline` (envoy.yaml:21) | 0.91 | — | — | — | ⏭️ |');
    expect(report).toContain(
      '## Notes\n\n- no production version of silero-vad yet: this first version',
    );
  });

  it('shows a ratio over a zero baseline as ∞', () => {
    const decision = evaluateGate({
      rules: [rule('latency_p99_ms <= baseline + 5')],
      results: results(),
      baseline: { version: 3, results: baselineResults({ latency_p99_ms: { value: 0 } }) },
    });
    expect(renderGateReport(decision, context)).toContain('| 4.2 | 5 | 0 | ∞ | ✅ |');
  });

  it('shows missing numbers as dashes and NaN as NaN', () => {
    const report = renderGateReport(
      decide(['latency_p95_ms <= 5', 'throughput >= 1'], { throughput: { value: NaN } }),
      context,
    );
    expect(report).toContain('| `latency_p95_ms <= 5` (envoy.yaml:20) | — | — | — | — | ❌ |');
    expect(report).toContain('| `throughput >= 1` (envoy.yaml:21) | NaN | — | — | — | ❌ |');
  });

  it('escapes every | in names and text', () => {
    const metric = 'a|b';
    const decision: GateDecision = {
      verdict: 'failed',
      outcomes: [
        {
          rule: {
            text: `${metric} <= 1`,
            metric,
            operator: '<=',
            threshold: { kind: 'absolute', value: 1 },
          },
          passed: false,
          reason: 'metric a|b is not in the results (they have: x|y)',
        },
      ],
      notes: ['a note | with a pipe'],
    };
    const report = renderGateReport(decision, { ...context, model: 'm|odel', target: 't|arget' });
    expect(report).not.toMatch(/[^\\]\|(b|odel|y|arget| with)/);
    expect(report).toContain('# ❌ Gate failed: m\\|odel v4');
    expect(report).toContain('| `a\\|b <= 1` | — | — | — | — | ❌ |');
    expect(report).toContain('- a note \\| with a pipe');
    expect(report).toContain('(they have: x\\|y)');
    expect(report).toContain('| Target | `t\\|arget` |');
  });

  it('keeps backticks inside a code span', () => {
    const decision: GateDecision = { verdict: 'passed', outcomes: [], notes: [] };
    expect(renderGateReport(decision, { ...context, target: 'a`b' })).toContain(
      '| Target | ``a`b`` |',
    );
  });

  it('leaves the table out when there are no rules', () => {
    const report = renderGateReport(evaluateGate({ rules: [], results: results() }), context);
    expect(report).not.toContain('| Rule |');
    expect(report).toContain('- no gate rules: nothing was checked');
  });
});

describe('reportDigest', () => {
  it('is the same for the same decision, and changes with the report', () => {
    const first = renderGateReport(decide(['latency_p99_ms <= 5']), context);
    const again = renderGateReport(decide(['latency_p99_ms <= 5']), context);
    expect(reportDigest(again)).toBe(reportDigest(first));
    expect(reportDigest(first)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(reportDigest(first.replace('4.2', '4.3'))).not.toBe(reportDigest(first));
  });

  it.each([
    ['abc', 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['✅\n', 'sha256:2978720df3d51795b37dbf65ec325048cb9246ea16f701797777208afc47894c'],
  ])('is the SHA-256 of the UTF-8 text %j', (text, digest) => {
    expect(reportDigest(text)).toBe(digest);
  });
});
