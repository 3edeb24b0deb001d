import { relative, resolve } from 'node:path';
import type { ModelSignature, ModelVersion } from '@envoy/core';
import { selectModel, type ModelSettings } from '@envoy/config';
import { UserError } from '@envoy/core';
import { checkAliasName, computeModelDigest } from '@envoy/registry';
import { lineageFromContext } from '@envoy/github';
import { readModelSignature } from '@envoy/onnx';
import type { StepContext } from './context.js';
import { onnxFileIn, storeModelFiles } from './model-files.js';

export interface RegisterInput {
  model?: string;
  /** Registers these files instead of the model's `path` (e.g. one release of several). */
  path?: string;
  /** Points this alias at the version, e.g. `candidate` for a pull request. */
  alias?: string;
  /** Only look the files up: fail, writing nothing, unless they are a registered version. */
  mustExist?: boolean;
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
  if (input.alias) checkManualAlias(model, input.alias);
  if (!context.config.file && !input.path) {
    throw new UserError('without envoy.yaml, say which files to register (--path FILE)');
  }
  const path = resolve(input.path ? process.cwd() : context.root, input.path ?? model.path);
  const { version, created } = input.mustExist
    ? { version: await findRegistered(context, model, path), created: false }
    : await registerFiles(context, model, path);
  await storeModelFiles(context, version, path);
  const signatureChanged = created && (await signatureDiffers(context, version));
  if (input.alias) await moveAliasManually(context, version, input.alias);
  return { version, created, signatureChanged };
}

async function registerFiles(context: StepContext, model: ModelSettings, path: string) {
  const signature = model.format === 'onnx' ? await signatureOf(context, model, path) : undefined;
  return context.registry.register({
    model: model.name,
    path,
    source: relative(context.root, path) || '.',
    format: model.format,
    signature,
    lineage: lineageFromContext(context.github),
    now: context.now(),
  });
}

/** The registered version holding exactly these files, or a UserError saying they are new. */
async function findRegistered(
  context: StepContext,
  model: ModelSettings,
  path: string,
): Promise<ModelVersion> {
  const { digest } = await computeModelDigest(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UserError(`model path ${path} does not exist`);
    throw error;
  });
  const versions = await context.registry.listVersions(model.name);
  const found = versions.find((version) => version.digest === digest);
  if (found) {
    context.log.info(`${path} is ${model.name} v${found.version} (${digest})`);
    return found;
  }
  throw new UserError(
    `${path} (${digest}) is not a registered version of ${model.name}: ` +
      `these files were never registered, benchmarked and gated; nothing was written`,
  );
}

/** Aliases that only a passing gate may move are refused here, before anything is written. */
function checkManualAlias(model: ModelSettings, alias: string): void {
  checkAliasName(alias);
  const gated = [model.gate.promoteTo, model.gate.baselineAlias].filter(Boolean);
  if (gated.includes(alias)) {
    throw new UserError(
      `"${alias}" moves only when a version passes its gates: ` +
        `register without it, then gate with promote-to ${alias}`,
    );
  }
}

async function signatureOf(context: StepContext, model: ModelSettings, path: string) {
  const file = await onnxFileIn(path);
  const runtime = await context.loadRuntime();
  try {
    return await readModelSignature(runtime, file);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const where = modelLocation(context, model);
    throw new UserError(`${where}${file} is not a valid ONNX model: ${reason}`, {
      file: context.config.file || file,
      line: model.position?.line,
      column: model.position?.column,
      field: 'path',
    });
  }
}

function modelLocation(context: StepContext, model: ModelSettings): string {
  if (!context.config.file || !model.position) return '';
  return `${context.config.file}:${model.position.line}:${model.position.column}: `;
}

async function signatureDiffers(context: StepContext, version: ModelVersion): Promise<boolean> {
  if (version.version === 1) return false;
  const previous = await context.registry.getVersion(version.model, version.version - 1);
  if (JSON.stringify(previous.signature) === JSON.stringify(version.signature)) return false;
  context.log.warning(
    `${version.model} v${version.version} changes the model signature from v${previous.version}: ` +
      `was ${describeSignature(previous.signature)}; now ${describeSignature(version.signature)}`,
  );
  return true;
}

function describeSignature(signature: ModelSignature | undefined): string {
  if (!signature) return 'unknown';
  const shape = (dimensions: Array<number | string>) =>
    dimensions.map((dimension) => (dimension === '' ? '?' : dimension)).join(',');
  const inputs = signature.inputs.map(
    (input) => `${input.name} ${input.type}[${shape(input.shape)}]`,
  );
  return `inputs ${inputs.join(', ')}`;
}

async function moveAliasManually(context: StepContext, version: ModelVersion, alias: string) {
  const current = (await context.registry.aliases(version.model))[alias];
  if (current === version.version) return;
  await context.registry.moveAlias(version.model, alias, version.version, {
    actor: context.github.actor ?? 'envoy',
    reason: `registered from ${version.source}`,
    now: context.now(),
  });
}
