import type { ModelSignature, TensorSpec } from '@envoy/core';
import type { OnnxRuntime } from './runtime.js';

type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;
type ValueMetadata = Session['inputMetadata'][number];

/** Reads a loaded session's inputs and outputs with their element types and shapes. */
export function readSignature(session: Session): ModelSignature {
  return {
    inputs: session.inputMetadata.map(toTensorSpec),
    outputs: session.outputMetadata.map(toTensorSpec),
  };
}

function toTensorSpec(metadata: ValueMetadata): TensorSpec {
  if (!metadata.isTensor) return { name: metadata.name, type: 'non-tensor', shape: [] };
  return { name: metadata.name, type: metadata.type, shape: [...metadata.shape] };
}

/** Opens a model file and reads its signature. */
export async function readModelSignature(
  runtime: OnnxRuntime,
  modelPath: string,
): Promise<ModelSignature> {
  const session = await runtime.InferenceSession.create(modelPath);
  try {
    return readSignature(session);
  } finally {
    await session.release();
  }
}
