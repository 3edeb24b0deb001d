import { describe, expect, it } from 'vitest';
import { renderResultsSummary } from '../src/index.js';
import { RESULTS } from './helpers.js';

describe('renderResultsSummary', () => {
  it('renders a heading, a metric table, stability and the runtime', () => {
    expect(renderResultsSummary(RESULTS)).toBe(
      [
        '### silero-vad v3 on cpu-x86',
        '',
        'Driver `onnxruntime` on CPU Test CPU (2 cores, x64), class `cpu-test`; 2 trial(s), ' +
          '2026-01-02T03:04:05.000Z to 2026-01-02T03:04:09.000Z.',
        '',
        '| metric | value | unit | better | source |',
        '| --- | ---: | --- | --- | --- |',
        '| latency_p50_ms | 0.21 | ms | lower | measured |',
        '| f1 | 0.9 |  | higher | evaluation |',
        '',
        'Stability: coefficient of variation 3.0% across trials (at most 10.0%): stable.',
        '',
        'Runtime: executionProvider `cpu`.',
        '',
      ].join('\n'),
    );
  });

  it('marks unstable results and keeps odd names from breaking the table', () => {
    const text = renderResultsSummary({
      ...RESULTS,
      metrics: {
        'a|b': { value: 1234.5678, unit: 'ms', direction: 'smaller-is-better', source: 'measured' },
      },
      stability: { coefficientOfVariation: 0.25, maxCoefficientOfVariation: 0.1, stable: false },
    });

    expect(text).toContain('| a\\|b | 1235 | ms | lower | measured |');
    expect(text).toContain('(at most 10.0%): **unstable**.');
  });

  it.each([
    [1, 'Stability not assessed (1 trial): set `benchmark.trials` to 2 or more.'],
    [0, undefined],
  ])('with %i trial(s) and no stability, says so when it could have been judged', (count, line) => {
    const trial = RESULTS.trials[0]!;
    const text = renderResultsSummary({
      ...RESULTS,
      trials: Array.from({ length: count }, () => trial),
      stability: undefined,
    });

    expect(text.split('\n').find((row) => row.startsWith('Stability'))).toBe(line);
  });
});
