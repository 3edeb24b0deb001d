import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { UserError, type ModelSignature } from '@envoy/core';
import {
  createTensor,
  feedValues,
  isSupportedTensorType,
  resolveFeeds,
  tensorFromValues,
  type FeedSpec,
} from '../src/index.js';

const SIGNATURE: ModelSignature = {
  inputs: [
    { name: 'input', type: 'float32', shape: ['batch', 'sequence'] },
    { name: 'state', type: 'float32', shape: [2, '', 128] },
    { name: 'sr', type: 'int64', shape: [] },
  ],
  outputs: [{ name: 'output', type: 'float32', shape: ['batch', 1] }],
};

describe('resolveFeeds', () => {
  it('sizes named dimensions from settings and applies per-input overrides', () => {
    const feeds = resolveFeeds(SIGNATURE, {
      dimensions: { batch: 1, sequence: 512 },
      inputs: {
        state: { shape: [2, 1, 128], fill: 'zeros' },
        sr: { value: 16000 },
        h: { fill: 'ones' },
      },
    });
    expect(feeds).toEqual([
      { name: 'input', type: 'float32', shape: [1, 512], fill: 'random', value: 0 },
      { name: 'state', type: 'float32', shape: [2, 1, 128], fill: 'zeros', value: 0 },
      { name: 'sr', type: 'int64', shape: [], fill: 'constant', value: 16000 },
    ]);
  });

  it.each([
    [
      { batch: 1, sequence: 512 },
      'input "state" has an unnamed symbolic dimension with no size: set benchmark.inputs.state.shape',
    ],
    [
      { batch: 1 },
      'input "input" has dimension "sequence" with no size: set benchmark.dimensions.sequence or benchmark.inputs.input.shape',
    ],
  ])('names the input and the setting when a dimension has no size (%j)', (dimensions, message) => {
    expect(() => resolveFeeds(SIGNATURE, { dimensions, inputs: {} })).toThrow(
      new UserError(message),
    );
  });
});

describe('feedValues', () => {
  const spec = (fill: FeedSpec['fill'], type = 'float32', value = 0): FeedSpec => ({
    name: 'x',
    type,
    shape: [2, 3],
    fill,
    value,
  });

  it.each([
    ['zeros', 0],
    ['ones', 1],
  ] as const)('fills %s', (fill, expected) => {
    expect(feedValues(spec(fill))).toEqual(Array(6).fill(expected));
  });

  it('fills a constant', () => {
    expect(feedValues(spec('constant', 'int64', 16000))).toEqual(Array(6).fill(16000));
  });

  it('draws random floats in [-1, 1) and random integers in {0, 1}', () => {
    const floats = feedValues(spec('random'), () => 0.75);
    expect(floats).toEqual(Array(6).fill(0.5));
    expect(feedValues(spec('random', 'int32'), () => 0.75)).toEqual(Array(6).fill(1));
  });

  it('gives a scalar one value', () => {
    expect(
      feedValues({ name: 'sr', type: 'int64', shape: [], fill: 'constant', value: 8000 }),
    ).toEqual([8000]);
  });
});

describe('tensors', () => {
  it.each([
    ['float32', Float32Array],
    ['float64', Float64Array],
    ['int32', Int32Array],
    ['uint8', Uint8Array],
    ['int64', BigInt64Array],
    ['uint64', BigUint64Array],
    ['bool', Uint8Array],
  ])('packs %s values', (type, ArrayType) => {
    const tensor = tensorFromValues(ort, type, [0, 1, 1, 0], [2, 2]);
    expect(tensor.type).toBe(type);
    expect(tensor.dims).toEqual([2, 2]);
    expect(tensor.data).toBeInstanceOf(ArrayType);
    expect(Array.from(tensor.data as ArrayLike<number | bigint>, Number)).toEqual([0, 1, 1, 0]);
  });

  it('refuses types it cannot build', () => {
    expect(isSupportedTensorType('float16')).toBe(false);
    expect(() => tensorFromValues(ort, 'float16', [1], [1])).toThrow(
      'tensor type "float16" is not supported',
    );
    expect(() =>
      createTensor(ort, { name: 'x', type: 'string', shape: [1], fill: 'zeros', value: 0 }),
    ).toThrow('input "x" has unsupported type "string"');
  });

  it('builds a feed’s tensor with its shape and values', () => {
    const tensor = createTensor(ort, {
      name: 'sr',
      type: 'int64',
      shape: [],
      fill: 'constant',
      value: 16000,
    });
    expect(tensor.dims).toEqual([]);
    expect(tensor.data).toEqual(BigInt64Array.from([16000n]));
  });
});
