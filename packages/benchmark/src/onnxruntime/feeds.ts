import type { Log, ModelSignature } from '@envoy/core';
import type { InputOverride } from '@envoy/config';
import { resolveFeeds, type FeedSpec } from '@envoy/onnx';

/** Overrides for inputs the model has; the others are dropped with a debug line. */
export function overridesForModel(
  signature: ModelSignature,
  inputs: Record<string, InputOverride>,
  log: Log,
): Record<string, InputOverride> {
  const names = new Set(signature.inputs.map((input) => input.name));
  const known: Record<string, InputOverride> = {};
  for (const [name, override] of Object.entries(inputs)) {
    if (names.has(name)) known[name] = override;
    else log.debug(`benchmark.inputs.${name}: the model has no input "${name}", ignored`);
  }
  return known;
}

/** Names of the inputs the batch size applies to (see `feedsForBatch`). */
export function batchedInputs(
  signature: ModelSignature,
  inputs: Record<string, InputOverride>,
): string[] {
  return signature.inputs
    .filter((input) => typeof (inputs[input.name]?.shape ?? input.shape)[0] === 'string')
    .map((input) => input.name);
}

/**
 * Resolves every input for one batch size. The rule: an input is batched when its shape
 * (the override's shape, else the model's) starts with a symbolic dimension. That first
 * dimension takes the batch size; when it has a name, every dimension of that name, in any
 * input, takes the batch size too (so a recurrent state shaped [2, batch, 128] follows).
 */
export function feedsForBatch(
  signature: ModelSignature,
  dimensions: Record<string, number>,
  inputs: Record<string, InputOverride>,
  batchSize: number,
): FeedSpec[] {
  const batchDimensions = { ...dimensions };
  const batchInputs = { ...inputs };
  for (const input of signature.inputs) {
    const shape = inputs[input.name]?.shape ?? input.shape;
    const first = shape[0];
    if (typeof first !== 'string') continue;
    if (first === '') {
      batchInputs[input.name] = { ...inputs[input.name], shape: [batchSize, ...shape.slice(1)] };
    } else {
      batchDimensions[first] = batchSize;
    }
  }
  return resolveFeeds(signature, { dimensions: batchDimensions, inputs: batchInputs });
}
