import type { ModelSignature, TensorSpec } from '@envoy/core';

/** ONNX element types and their Open Inference Protocol (KServe v2) datatype names. */
const V2_DATATYPES: Record<string, string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

/** The v2 datatype of an ONNX element type, e.g. float32 → FP32. */
export function toV2Datatype(onnxType: string): string {
  return V2_DATATYPES[onnxType] ?? onnxType.toUpperCase();
}

/** A tensor as the protocol's JSON carries it. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  /** Symbolic dimensions are -1. */
  shape: number[];
}

export function tensorMetadata(spec: TensorSpec): TensorMetadata {
  return {
    name: spec.name,
    datatype: toV2Datatype(spec.type),
    shape: spec.shape.map((dimension) => (typeof dimension === 'number' ? dimension : -1)),
  };
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export function modelMetadata(
  name: string,
  version: number,
  signature: ModelSignature,
): ModelMetadata {
  return {
    name,
    versions: [String(version)],
    platform: 'onnxruntime_onnx',
    inputs: signature.inputs.map(tensorMetadata),
    outputs: signature.outputs.map(tensorMetadata),
  };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
