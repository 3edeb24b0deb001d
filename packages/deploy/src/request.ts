import type { ModelSignature, TensorSpec } from '@envoy/core';
import { elementCount, tensorMetadata, toV2Datatype } from './tensors.js';

/** A request the client got wrong; answered with 400 and this message. */
export class BadInferenceRequest extends Error {
  override name = 'BadInferenceRequest';
}

/** One checked input: its ONNX type, concrete shape and flat values. */
export interface CheckedInput {
  name: string;
  type: string;
  shape: number[];
  values: Array<number | boolean | string>;
}

export interface CheckedRequest {
  id?: string;
  inputs: CheckedInput[];
  /** The outputs asked for; every output when the request names none. */
  outputs: string[];
}

type JsonObject = Record<string, unknown>;

/** Checks an inference request against the model's signature, naming the first problem. */
export function checkInferenceRequest(body: unknown, signature: ModelSignature): CheckedRequest {
  if (!isObject(body)) throw new BadInferenceRequest('the request body must be a JSON object');
  if (body.id !== undefined && typeof body.id !== 'string') {
    throw new BadInferenceRequest('"id" must be a string');
  }
  if (!Array.isArray(body.inputs)) throw new BadInferenceRequest('"inputs" must be an array');
  const inputs = body.inputs.map((input, index) => checkInput(input, index, signature));
  const given = new Set<string>();
  for (const input of inputs) {
    if (given.has(input.name))
      throw new BadInferenceRequest(`input "${input.name}" is given twice`);
    given.add(input.name);
  }
  const missing = signature.inputs.filter((spec) => !given.has(spec.name));
  if (missing.length > 0) {
    const names = missing.map((spec) => `"${spec.name}"`).join(', ');
    throw new BadInferenceRequest(`missing input ${names}`);
  }
  return { id: body.id, inputs, outputs: checkOutputs(body.outputs, signature) };
}

function checkInput(input: unknown, index: number, signature: ModelSignature): CheckedInput {
  if (!isObject(input) || typeof input.name !== 'string') {
    throw new BadInferenceRequest(`inputs[${index}] must be an object with a "name"`);
  }
  const spec = signature.inputs.find((candidate) => candidate.name === input.name);
  if (!spec) {
    const known = signature.inputs.map((candidate) => `"${candidate.name}"`).join(', ');
    throw new BadInferenceRequest(`unknown input "${input.name}": the model's inputs are ${known}`);
  }
  const expected = toV2Datatype(spec.type);
  if (input.datatype !== expected) {
    throw new BadInferenceRequest(
      `input "${spec.name}" has datatype ${JSON.stringify(input.datatype)}: the model expects "${expected}"`,
    );
  }
  const shape = checkShape(spec, input.shape);
  const values = checkData(spec, shape, input.data);
  return { name: spec.name, type: spec.type, shape, values };
}

function checkShape(spec: TensorSpec, shape: unknown): number[] {
  const expected = tensorMetadata(spec).shape;
  const wanted = `the model expects [${expected.join(',')}] (-1: any size)`;
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new BadInferenceRequest(
      `input "${spec.name}" has shape ${JSON.stringify(shape)}: a shape is a list of sizes; ${wanted}`,
    );
  }
  const fits =
    shape.length === expected.length &&
    expected.every((size, axis) => size === -1 || size === shape[axis]);
  if (!fits) {
    throw new BadInferenceRequest(`input "${spec.name}" has shape [${shape.join(',')}]: ${wanted}`);
  }
  return shape as number[];
}

function checkData(spec: TensorSpec, shape: number[], data: unknown): CheckedInput['values'] {
  if (!Array.isArray(data))
    throw new BadInferenceRequest(`input "${spec.name}" has no "data" list`);
  const values = data.flat(Infinity) as unknown[];
  const count = elementCount(shape);
  if (values.length !== count) {
    throw new BadInferenceRequest(
      `input "${spec.name}" has ${values.length} values: shape [${shape.join(',')}] needs ${count}`,
    );
  }
  const fits = elementCheck(spec.type);
  const bad = values.findIndex((value) => !fits(value));
  if (bad !== -1) {
    throw new BadInferenceRequest(
      `input "${spec.name}" value ${JSON.stringify(values[bad])} at index ${bad} is not ${toV2Datatype(spec.type)}`,
    );
  }
  return values as CheckedInput['values'];
}

function elementCheck(type: string): (value: unknown) => boolean {
  if (type === 'bool') return (value) => typeof value === 'boolean';
  if (type === 'string') return (value) => typeof value === 'string';
  if (/int/.test(type)) return (value) => Number.isSafeInteger(value);
  return (value) => typeof value === 'number' && Number.isFinite(value);
}

function checkOutputs(outputs: unknown, signature: ModelSignature): string[] {
  const all = signature.outputs.map((spec) => spec.name);
  if (outputs === undefined) return all;
  if (!Array.isArray(outputs)) throw new BadInferenceRequest('"outputs" must be an array');
  return outputs.map((output, index) => {
    const name = isObject(output) ? output.name : undefined;
    if (typeof name !== 'string') {
      throw new BadInferenceRequest(`outputs[${index}] must be an object with a "name"`);
    }
    if (!all.includes(name)) {
      throw new BadInferenceRequest(
        `unknown output "${name}": the model's outputs are ${all.join(', ')}`,
      );
    }
    return name;
  });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
