import { existsSync } from 'node:fs';
import { selectHardware, selectModel, type HardwareTarget } from '@envoy/config';
import {
  UserError,
  writeFileAtomic,
  writeJsonAtomic,
  type BenchmarkResults,
  type ModelVersion,
} from '@envoy/core';
import { readResultsFile } from '@envoy/benchmark';
import {
  checkResultsAreFor,
  evaluateGate,
  renderGateReport,
  reportDigest,
  type Baseline,
  type GateDecision,
  type Verdict,
} from '@envoy/gate';
import type { AliasMove } from '@envoy/registry';
import type { StepContext } from './context.js';
import { outputPaths, workspacePath } from './context.js';
import { resolveVersion } from './build.js';

export interface GateInput {
  model?: string;
  version?: string;
  /** Hardware targets to gate on; the first target when empty. */
  targets?: string[];
  /** A results file to gate (one target only); else the results recorded for the version. */
  resultsPath?: string;
  /** Move this alias to the version when every target passes. */
  promoteTo?: string;
}

export interface TargetGate {
  target: string;
  decision: GateDecision;
  results: BenchmarkResults;
  report: string;
  reportPath: string;
  reportDigest: string;
}

export interface GateOutput {
  version: ModelVersion;
  verdict: Verdict;
  gates: TargetGate[];
  promoted?: AliasMove;
}

export async function gateStep(context: StepContext, input: GateInput): Promise<GateOutput> {
  const model = selectModel(context.config, input.model);
  const version = await resolveVersion(context, model.name, input.version);
  const names = input.targets?.length ? [...new Set(input.targets)] : [undefined];
  const targets = names.map((name) => selectHardware(context.config, name));
  if (input.resultsPath && targets.length > 1) {
    throw new UserError('a results file can only be gated on one hardware target');
  }
  const gates: TargetGate[] = [];
  for (const target of targets) {
    gates.push(await gateTarget(context, version, target, input.resultsPath));
  }
  const verdict = combinedVerdict(gates);
  const promoted =
    verdict === 'passed' && input.promoteTo
      ? await promote(context, version, input.promoteTo, gates)
      : undefined;
  return { version, verdict, gates, promoted };
}

async function gateTarget(
  context: StepContext,
  version: ModelVersion,
  target: HardwareTarget,
  resultsPath?: string,
): Promise<TargetGate> {
  const settings = selectModel(context.config, version.model).gate;
  const results = await findResults(context, version, target, resultsPath);
  const baseline = await findBaseline(context, version, settings.baselineAlias, results);
  const decision = evaluateGate({ rules: settings.rules, results, baseline });
  const report = renderGateReport(decision, {
    model: version.model,
    version: version.version,
    digest: version.digest,
    target: target.name,
    hardwareClass: results.hardware.class,
    configFile: context.config.file ? workspacePath(context, context.config.file) : undefined,
  });
  const reportPath = outputPaths.report(context, version.model, version.version, target.name);
  const digest = reportDigest(report);
  await writeFileAtomic(reportPath, report);
  await writeJsonAtomic(
    outputPaths.decision(context, version.model, version.version, target.name),
    {
      target: target.name,
      digest: version.digest,
      reportDigest: digest,
      decision,
      rules: settings.rules.map((rule) => rule.text),
      metrics: results.metrics,
    },
  );
  return { target: target.name, decision, results, report, reportPath, reportDigest: digest };
}

/** The results to gate: a given file (checked to be this version's) or the newest recorded. */
async function findResults(
  context: StepContext,
  version: ModelVersion,
  target: HardwareTarget,
  resultsPath?: string,
): Promise<BenchmarkResults> {
  const path =
    resultsPath ?? outputPaths.results(context, version.model, version.version, target.name);
  if (resultsPath || existsSync(path)) {
    const results = await readResultsFile(path);
    checkResultsAreFor(results, version, path);
    return results;
  }
  const recorded = (await context.registry.getResults(version.model, version.version)).filter(
    (results) => results.target === target.name && results.digest === version.digest,
  );
  const newest = recorded.at(-1);
  if (!newest) {
    throw new UserError(
      `${version.model} v${version.version} has no benchmark results on "${target.name}": benchmark it first`,
    );
  }
  return newest;
}

async function findBaseline(
  context: StepContext,
  version: ModelVersion,
  alias: string,
  results: BenchmarkResults,
): Promise<Baseline | undefined> {
  const aliases = await context.registry.aliases(version.model);
  const baselineVersion = aliases[alias];
  if (baselineVersion === undefined) return undefined;
  const recorded = await context.registry.getResults(version.model, baselineVersion);
  const earlier = recorded.filter((candidate) => !isSameRun(candidate, results));
  const sameClass = earlier.filter(
    (candidate) => candidate.hardware.class === results.hardware.class,
  );
  const otherClasses = [...new Set(earlier.map((candidate) => candidate.hardware.class))].filter(
    (hardwareClass) => hardwareClass !== results.hardware.class,
  );
  if (earlier.length === 0 && baselineVersion === version.version) {
    // The baseline version's first results anywhere: nothing to compare with but itself.
    return { version: baselineVersion, results, otherClasses: [] };
  }
  return { version: baselineVersion, results: sameClass.at(-1), otherClasses };
}

/** Errors on the settings line of each rule that failed, so the log points at them too. */
export function annotateFailingRules(context: StepContext, output: GateOutput): void {
  const file = context.config.file ? workspacePath(context, context.config.file) : undefined;
  for (const gate of output.gates) {
    for (const outcome of gate.decision.outcomes) {
      if (outcome.passed || outcome.skipped) continue;
      const position = outcome.rule.position;
      context.log.error(`${gate.target}: ${outcome.rule.text}: ${outcome.reason}`, {
        file: file ?? '',
        line: position?.line,
        column: position?.column,
      });
    }
  }
}

function isSameRun(a: BenchmarkResults, b: BenchmarkResults): boolean {
  return a.version === b.version && a.target === b.target && a.startedAt === b.startedAt;
}

function combinedVerdict(gates: TargetGate[]): Verdict {
  const verdicts = gates.map((gate) => gate.decision.verdict);
  if (verdicts.includes('failed')) return 'failed';
  if (verdicts.includes('unstable')) return 'unstable';
  return 'passed';
}

async function promote(
  context: StepContext,
  version: ModelVersion,
  alias: string,
  gates: TargetGate[],
): Promise<AliasMove | undefined> {
  const current = (await context.registry.aliases(version.model))[alias];
  if (current === version.version) {
    context.log.info(`${alias} already points at ${version.model} v${version.version}`);
    return undefined;
  }
  const reports = gates.map((gate) => `${gate.target}: ${gate.reportDigest}`).join(', ');
  const move = await context.registry.moveAlias(version.model, alias, version.version, {
    actor: context.github.actor ?? 'envoy',
    reason: `passed its gates (reports ${reports})`,
    now: context.now(),
  });
  context.log.info(`Promoted ${version.model} v${version.version} to ${alias}`);
  return move;
}
