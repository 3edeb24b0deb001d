import { describe, expect, it } from 'vitest';
import { parseGateRule } from '../src/index.js';

describe('parseGateRule', () => {
  it.each([
    [
      'latency_p99_ms <= 5',
      { metric: 'latency_p99_ms', operator: '<=', threshold: { kind: 'absolute', value: 5 } },
    ],
    ['f1>=0.9', { metric: 'f1', operator: '>=', threshold: { kind: 'absolute', value: 0.9 } }],
    ['x < -1e-3', { metric: 'x', operator: '<', threshold: { kind: 'absolute', value: -0.001 } }],
    [
      'latency_p50_ms <= baseline * 1.10',
      { operator: '<=', threshold: { kind: 'baseline', operator: '*', operand: 1.1 } },
    ],
    ['f1 >= baseline - 0.01', { threshold: { kind: 'baseline', operator: '-', operand: 0.01 } }],
    ['f1 >= baseline + 0.5', { threshold: { kind: 'baseline', operator: '+', operand: 0.5 } }],
    [
      'auc == baseline',
      { operator: '==', threshold: { kind: 'baseline', operator: 'none', operand: 0 } },
    ],
    ['latency_p50_ms@batch=8 != 0', { metric: 'latency_p50_ms@batch=8', operator: '!=' }],
  ])('parses %s', (text, expected) => {
    const parsed = parseGateRule(text);
    expect('rule' in parsed && parsed.rule).toMatchObject(expected);
  });

  it.each([
    ['latency_p99_ms', 'expected "<metric> <op> <threshold>"'],
    ['latency_p99_ms => 5', 'expected "<metric> <op> <threshold>"'],
    ['9lives <= 5', '"9lives" is not a metric name'],
    ['f1 >= baseline / 2', 'neither a number nor "baseline'],
    ['f1 >= baseline * two', '"two" after "baseline *" is not a number'],
    ['f1 >= 0.9.1', 'threshold "0.9.1" is neither a number'],
    ['f1 >= 1e400', 'threshold "1e400" is too large a number'],
    ['f1 >= baseline * 1e309', '"1e309" after "baseline *" is too large a number'],
    ['baseline >= 0.9', 'baseline is not a metric name'],
  ])('rejects %s', (text, message) => {
    const parsed = parseGateRule(text);
    expect('error' in parsed && parsed.error).toContain(message);
  });
});
