import { UserError } from '@envoy/core';

/** The OCI tag for a model version, e.g. `v3`: the image name carries the model. */
export function imageTag(model: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new UserError(`model "${model}" has version ${version}: versions are positive integers`);
  }
  return `v${version}`;
}
