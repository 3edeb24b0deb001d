import {
  booleanInput,
  COMMON_INPUTS,
  createActionContext,
  optionalInput,
  setOutputs,
  writeSummary,
} from '@envoy/action-kit';
import { registerStep } from '@envoy/pipeline';

export const INPUTS = {
  ...COMMON_INPUTS,
  model: 'model',
  path: 'path',
  alias: 'alias',
  mustExist: 'must-exist',
} as const;

export const OUTPUTS = {
  model: 'model',
  version: 'version',
  digest: 'digest',
  created: 'created',
  signatureChanged: 'signature-changed',
} as const;

export async function main(bundleUrl: string): Promise<void> {
  const { step } = await createActionContext(bundleUrl);
  const output = await step.log.group('Register model', () =>
    registerStep(step, {
      model: optionalInput(INPUTS.model),
      path: optionalInput(INPUTS.path),
      alias: optionalInput(INPUTS.alias),
      mustExist: booleanInput(INPUTS.mustExist, false),
    }),
  );
  const { version } = output;
  setOutputs({
    [OUTPUTS.model]: version.model,
    [OUTPUTS.version]: version.version,
    [OUTPUTS.digest]: version.digest,
    [OUTPUTS.created]: output.created,
    [OUTPUTS.signatureChanged]: output.signatureChanged,
  });
  const what = output.created ? 'Registered' : 'Already registered:';
  await writeSummary(`### ${what} ${version.model} v${version.version}\n\n\`${version.digest}\`\n`);
}
