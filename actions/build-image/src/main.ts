import {
  COMMON_INPUTS,
  createActionContext,
  optionalInput,
  setOutputs,
  writeSummary,
} from '@envoy/action-kit';
import { buildStep, workspacePath } from '@envoy/pipeline';

export const INPUTS = { ...COMMON_INPUTS, model: 'model', version: 'version' } as const;

export const OUTPUTS = {
  imageDigest: 'image-digest',
  layoutPath: 'layout-path',
  containerfile: 'containerfile',
  tags: 'tags',
} as const;

export async function main(bundleUrl: string): Promise<void> {
  const { step } = await createActionContext(bundleUrl);
  const image = await step.log.group('Build image', () =>
    buildStep(step, { model: optionalInput(INPUTS.model), version: optionalInput(INPUTS.version) }),
  );
  setOutputs({
    [OUTPUTS.imageDigest]: image.manifestDigest,
    [OUTPUTS.layoutPath]: workspacePath(step, image.layoutPath),
    [OUTPUTS.containerfile]: workspacePath(step, image.containerfilePath),
    [OUTPUTS.tags]: image.tags.join(','),
  });
  await writeSummary(`### Image ${image.tags.join(', ')}\n\n\`${image.manifestDigest}\`\n`);
}
