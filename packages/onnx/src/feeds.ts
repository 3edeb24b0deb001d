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

type Tensor = InstanceType<OnnxRuntime['Tensor']>;

/** How to pack plain numbers into the typed array ONNX Runtime wants, per element type. */
const PACKERS: Record<string, (values: number[]) => ArrayLike<unknown>> = {
  float32: (values) => Float32Array.from(values),
  float64: (values) => Float64Array.from(values),
  int8: (values) => Int8Array.from(values),
  uint8: (values) => Uint8Array.from(values),
  int16: (values) => Int16Array.from(values),
  uint16: (values) => Uint16Array.from(values),
  int32: (values) => Int32Array.from(values),
  uint32: (values) => Uint32Array.from(values),
  int64: (values) => BigInt64Array.from(values, (value) => BigInt(value)),
  uint64: (values) => BigUint64Array.from(values, (value) => BigInt(value)),
  bool: (values) => Uint8Array.from(values, (value) => (value ? 1 : 0)),
};

/** Whether `tensorFromValues` can build a tensor of this element type. */
export function isSupportedTensorType(type: string): boolean {
  return type in PACKERS;
}

/** A tensor of element `type` and `shape` holding `values` (integers for int64 types). */
export function tensorFromValues(
  runtime: OnnxRuntime,
  type: string,
  values: number[],
  shape: number[],
): Tensor {
  const pack = PACKERS[type];
  if (!pack) throw new UserError(`tensor type "${type}" is not supported`);
  return new runtime.Tensor(type as 'float32', pack(values) as Float32Array, shape);
}

/** Builds an ONNX Runtime tensor for a feed. */
export function createTensor(runtime: OnnxRuntime, spec: FeedSpec, random?: () => number): Tensor {
  if (!isSupportedTensorType(spec.type)) {
    throw new UserError(`input "${spec.name}" has unsupported type "${spec.type}"`);
  }
  return tensorFromValues(runtime, spec.type, feedValues(spec, random), spec.shape);
}
