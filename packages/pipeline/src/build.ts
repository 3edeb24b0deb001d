import { UserError, type ModelVersion } from '@envoy/core';
import { sanitizeTag } from '@envoy/github';
import { selectModel } from '@envoy/config';
import { buildImageLayout, type BuiltImage } from '@envoy/image';
import type { StepContext } from './context.js';
import { outputPaths } from './context.js';
import { verifyModelFiles } from './model-files.js';

export interface BuildInput {
  model?: string;
  /** A version number or an alias; the newest version when absent. */
  version?: string;
}

export async function buildStep(context: StepContext, input: BuildInput): Promise<BuiltImage> {
  const version = await resolveVersion(context, input.model, input.version);
  const modelPath = await verifyModelFiles(context, version);
  return buildImageLayout(
    {
      model: version,
      modelPath,
      outputDir: outputPaths.image(context, version.model, version.version),
      source: repositoryUrl(context),
      revision: version.lineage.commit,
      extraTags: refTags(version),
    },
    context.log,
  );
}

/** A version by number or alias, or the newest version of the model. */
export async function resolveVersion(context: StepContext, modelName?: string, version?: string) {
  const model = selectModel(context.config, modelName);
  if (version) return context.registry.resolve(model.name, version);
  const versions = await context.registry.listVersions(model.name);
  const newest = versions.at(-1);
  if (!newest) {
    throw new UserError(`${model.name} has no registered versions yet: register one first`);
  }
  return newest;
}

/** Tags naming where the version came from: its pull request, release tag or branch. */
function refTags(version: ModelVersion): string[] {
  const { pullRequest, tag, ref } = version.lineage;
  if (pullRequest !== undefined) return [`pr-${pullRequest}`];
  if (tag) return [sanitizeTag(tag)];
  return ref ? [sanitizeTag(ref)] : [];
}

function repositoryUrl(context: StepContext): string | undefined {
  const repository = context.github.repository;
  if (!repository) return undefined;
  return `${context.github.serverUrl}/${repository.owner}/${repository.repo}`;
}
