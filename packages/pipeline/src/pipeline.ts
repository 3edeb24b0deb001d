import type { Metric, ModelVersion } from '@envoy/core';
import { readJsonIfExists } from '@envoy/core';
import { selectModel } from '@envoy/config';
import type { GateDecision, Verdict } from '@envoy/gate';
import type { StepContext } from './context.js';
import { outputPaths } from './context.js';
import { registerStep } from './register.js';
import { buildStep } from './build.js';
import { benchmarkStep } from './benchmark.js';
import { gateStep } from './gate.js';
import { deployStep, type DeployOutput } from './deploy.js';

export interface PipelineInput {
  model?: string;
  /** Model files to register in order, oldest release first; the model's `path` when empty. */
  releases?: string[];
  /** Hardware targets to benchmark and gate on; every target in envoy.yaml when empty. */
  targets?: string[];
  deploy: boolean;
}

export interface ReleaseOutcome {
  version: ModelVersion;
  created: boolean;
  imageDigest?: string;
  gates: Array<{ target: string; decision: GateDecision; metrics: Record<string, Metric> }>;
  verdict: Verdict;
  promoted: boolean;
}

export interface PipelineOutput {
  releases: ReleaseOutcome[];
  aliases: Record<string, number>;
  deployments: DeployOutput[];
}

/** Register, build, benchmark, gate and promote each release in order, then deploy. */
export async function runPipeline(
  context: StepContext,
  input: PipelineInput,
): Promise<PipelineOutput> {
  const model = selectModel(context.config, input.model);
  const targets = input.targets?.length
    ? input.targets
    : context.config.hardware.map((t) => t.name);
  const releases: ReleaseOutcome[] = [];
  for (const path of input.releases?.length ? input.releases : [undefined]) {
    releases.push(await runRelease(context, model.name, path, targets));
  }
  const deployments = input.deploy ? await deployAll(context, model.name) : [];
  return { releases, aliases: await context.registry.aliases(model.name), deployments };
}

async function runRelease(
  context: StepContext,
  model: string,
  path: string | undefined,
  targets: string[],
): Promise<ReleaseOutcome> {
  const { version, created } = await context.log.group(`Register ${path ?? model}`, () =>
    registerStep(context, { model, path }),
  );
  const recorded = await recordedGates(context, version, targets);
  if (recorded) {
    context.log.info(`${model} v${version.version} already passed these gates: skipping its steps`);
    return { version, created, gates: recorded, verdict: verdictOf(recorded), promoted: false };
  }
  const name = `${model} v${version.version}`;
  const image = await context.log.group(`Build image for ${name}`, () =>
    buildStep(context, { model, version: String(version.version) }),
  );
  for (const target of targets) {
    await context.log.group(`Benchmark ${name} on ${target}`, () =>
      benchmarkStep(context, { model, version: String(version.version), target }),
    );
  }
  const gate = await context.log.group(`Gate ${name}`, () =>
    gateStep(context, {
      model,
      version: String(version.version),
      targets,
      promoteTo: selectModel(context.config, model).gate.promoteTo,
    }),
  );
  return {
    version,
    created,
    imageDigest: image.manifestDigest,
    gates: gate.gates.map(({ target, decision, results }) => ({
      target,
      decision,
      metrics: results.metrics,
    })),
    verdict: gate.verdict,
    promoted: gate.promoted !== undefined,
  };
}

interface RecordedGate {
  digest: string;
  decision: GateDecision;
  rules: string[];
  metrics: Record<string, Metric>;
}

/**
 * The passing decisions an earlier run recorded for this exact version, under today's rules, on
 * every target. Anything else (a failure, an unstable result, changed rules) is gated again.
 */
async function recordedGates(context: StepContext, version: ModelVersion, targets: string[]) {
  const rules = selectModel(context.config, version.model).gate.rules.map((rule) => rule.text);
  const gates: ReleaseOutcome['gates'] = [];
  for (const target of targets) {
    const path = outputPaths.decision(context, version.model, version.version, target);
    const recorded = await readJsonIfExists<RecordedGate>(path);
    const reusable =
      recorded?.digest === version.digest &&
      recorded.decision.verdict === 'passed' &&
      JSON.stringify(recorded.rules) === JSON.stringify(rules);
    if (!recorded || !reusable) return undefined;
    gates.push({ target, decision: recorded.decision, metrics: recorded.metrics });
  }
  return gates;
}

function verdictOf(gates: ReleaseOutcome['gates']): Verdict {
  const verdicts = gates.map((gate) => gate.decision.verdict);
  if (verdicts.includes('failed')) return 'failed';
  if (verdicts.includes('unstable')) return 'unstable';
  return 'passed';
}

async function deployAll(context: StepContext, model: string): Promise<DeployOutput[]> {
  const aliases = await context.registry.aliases(model);
  const deployments: DeployOutput[] = [];
  for (const target of context.config.deploy) {
    if (aliases[target.alias] === undefined) {
      context.log.warning(
        `No version of ${model} is at "${target.alias}": nothing to deploy to ${target.name}`,
      );
      continue;
    }
    deployments.push(
      await context.log.group(`Deploy ${model}@${target.alias} to ${target.name}`, () =>
        deployStep(context, { model, target: target.name }),
      ),
    );
  }
  return deployments;
}
