import { relative, resolve } from 'node:path';
import type { ModelSignature, ModelVersion } from '@envoy/core';
import { selectModel } from '@envoy/config';
import { lineageFromContext } from '@envoy/github';
import { readModelSignature } from '@envoy/onnx';
import type { StepContext } from './context.js';
import { onnxFileIn } from './model-files.js';

export interface RegisterInput {
  model?: string;
  /** Registers these files instead of the model's `path` (e.g. one release of several). */
  path?: string;
  /** Points this alias at the version, e.g. `candidate` for a pull request. */
  alias?: string;
}

export interface RegisterOutput {
  version: ModelVersion;
  created: boolean;
  signatureChanged: boolean;
}

export async function registerStep(
  context: StepContext,
  input: RegisterInput,
): Promise<RegisterOutput> {
  const model = selectModel(context.config, input.model);
  const path = resolve(input.path ? process.cwd() : context.root, input.path ?? model.path);
  const signature = model.format === 'onnx' ? await signatureOf(context, path) : undefined;
  const { version, created } = await context.registry.register({
    model: model.name,
    path,
    source: relative(context.root, path) || '.',
    format: model.format,
    signature,
    lineage: lineageFromContext(context.github),
    now: context.now(),
  });
  if (!created) context.log.info(`${version.digest} is already registered: nothing new`);
  const signatureChanged = created && (await signatureDiffers(context, version));
  if (input.alias) await moveAliasManually(context, version, input.alias);
  return { version, created, signatureChanged };
}

async function signatureOf(context: StepContext, path: string): Promise<ModelSignature> {
  const runtime = await context.loadRuntime();
  return readModelSignature(runtime, await onnxFileIn(path));
}

async function signatureDiffers(context: StepContext, version: ModelVersion): Promise<boolean> {
  if (version.version === 1) return false;
  const previous = await context.registry.getVersion(version.model, version.version - 1);
  if (JSON.stringify(previous.signature) === JSON.stringify(version.signature)) return false;
  context.log.warning(
    `${version.model} v${version.version} changes the model signature from v${previous.version}: ` +
      `${describeSignature(previous.signature)} -> ${describeSignature(version.signature)}`,
  );
  return true;
}

function describeSignature(signature: ModelSignature | undefined): string {
  if (!signature) return 'unknown';
  const inputs = signature.inputs.map((input) => `${input.name}:${input.type}[${input.shape}]`);
  return `(${inputs.join(', ')})`;
}

async function moveAliasManually(context: StepContext, version: ModelVersion, alias: string) {
  await context.registry.moveAlias(version.model, alias, version.version, {
    actor: context.github.actor ?? 'envoy',
    reason: `registered from ${version.source}`,
    now: context.now(),
  });
}
