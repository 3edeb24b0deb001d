import type { ModelSignature } from '@envoy/core';
import { feedValues, resolveFeeds, type FeedOptions } from '@envoy/onnx';
import { toV2Datatype } from './tensors.js';

/**
 * An inference request for the model, built from its signature the way the benchmark
 * builds its feeds (the same dimension values and input overrides).
 */
export function buildSmokeRequest(signature: ModelSignature, feeds: FeedOptions): unknown {
  const inputs = resolveFeeds(signature, feeds).map((spec) => {
    const values = feedValues(spec);
    return {
      name: spec.name,
      shape: spec.shape,
      datatype: toV2Datatype(spec.type),
      data: spec.type === 'bool' ? values.map((value) => value !== 0) : values,
    };
  });
  return { id: 'envoy-smoke', inputs };
}
