import { UserError, type ModelSignature, type TensorSpec } from '@envoy/core';
import type { OnnxRuntime } from './runtime.js';

export type FillKind = 'zeros' | 'ones' | 'random' | 'constant';

export interface InputOverrideSpec {
  shape?: Array<number | string>;
  type?: string;
  fill?: FillKind;
  value?: number;
}

export interface FeedOptions {
  /** Values for named symbolic dimensions. */
  dimensions: Record<string, number>;
  /** Per-input overrides, by input name. Overrides for inputs the model lacks are ignored. */
  inputs: Record<string, InputOverrideSpec>;
}

/** A fully resolved input: concrete shape, element type and how to fill it. */
export interface FeedSpec {
  name: string;
  type: string;
  shape: number[];
  fill: FillKind;
  value: number;
}

/** Resolves every model input to a concrete shape and fill, or explains what is missing. */
export function resolveFeeds(signature: ModelSignature, options: FeedOptions): FeedSpec[] {
  return signature.inputs.map((input) => resolveFeed(input, options));
}

function resolveFeed(input: TensorSpec, options: FeedOptions): FeedSpec {
  const override = options.inputs[input.name] ?? {};
  const shape = (override.shape ?? input.shape).map((dimension) =>
    resolveDimension(input.name, dimension, options.dimensions),
  );
  const fill = override.fill ?? (override.value !== undefined ? 'constant' : 'random');
  return {
    name: input.name,
    type: override.type ?? input.type,
    shape,
    fill,
    value: override.value ?? 0,
  };
}

function resolveDimension(
  inputName: string,
  dimension: number | string,
  dimensions: Record<string, number>,
): number {
  if (typeof dimension === 'number') return dimension;
  const size = dimensions[dimension];
  if (size !== undefined) return size;
  const what = dimension === '' ? 'an unnamed symbolic dimension' : `dimension "${dimension}"`;
  const hint =
    dimension === ''
      ? `set benchmark.inputs.${inputName}.shape`
      : `set benchmark.dimensions.${dimension} or benchmark.inputs.${inputName}.shape`;
  throw new UserError(`input "${inputName}" has ${what} with no size: ${hint}`);
}

type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

const ARRAY_TYPES: Record<string, new (length: number) => TypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** Element values for a feed, as plain numbers (JSON-friendly, e.g. for an inference request). */
export function feedValues(spec: FeedSpec, random: () => number = Math.random): number[] {
  const count = spec.shape.reduce((product, size) => product * size, 1);
  const integral = /int|bool/.test(spec.type);
  const valueAt = (): number => {
    if (spec.fill === 'zeros') return 0;
    if (spec.fill === 'ones') return 1;
    if (spec.fill === 'constant') return spec.value;
    return integral ? Math.floor(random() * 2) : random() * 2 - 1;
  };
  return Array.from({ length: count }, valueAt);
}

/** Builds an ONNX Runtime tensor for a feed. */
export function createTensor(
  runtime: OnnxRuntime,
  spec: FeedSpec,
  random?: () => number,
): InstanceType<OnnxRuntime['Tensor']> {
  const ArrayType = ARRAY_TYPES[spec.type];
  if (!ArrayType) throw new UserError(`input "${spec.name}" has unsupported type "${spec.type}"`);
  const values = feedValues(spec, random);
  const data = new ArrayType(values.length);
  values.forEach((value, index) => {
    data[index] = (
      data instanceof BigInt64Array || data instanceof BigUint64Array ? BigInt(value) : value
    ) as never;
  });
  const tensorType = spec.type === 'bool' ? 'bool' : spec.type;
  return new runtime.Tensor(tensorType as 'float32', data as Float32Array, spec.shape);
}
