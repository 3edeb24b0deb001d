import { requiredInput, runAction } from '@envoy/action-kit';
import { UserError } from '@envoy/core';
import { main as registerModel } from '@envoy/action-register-model';
import { main as buildImage } from '@envoy/action-build-image';
import { main as benchmarkOnHardware } from '@envoy/action-benchmark-on-hardware';
import { main as gateOnMetrics } from '@envoy/action-gate-on-metrics';
import { main as deploy } from '@envoy/action-deploy';

/** The root action: one `uses:` line that runs any of the five steps by name. */
const STEPS: Record<string, (bundleUrl: string) => Promise<void>> = {
  register: registerModel,
  build: buildImage,
  benchmark: benchmarkOnHardware,
  gate: gateOnMetrics,
  deploy,
};

await runAction(async () => {
  const name = requiredInput('step');
  const step = STEPS[name];
  if (!step) {
    throw new UserError(
      `input "step" must be one of ${Object.keys(STEPS).join(', ')}, got "${name}"`,
    );
  }
  await step(import.meta.url);
});
