import { UserError } from '@envoy/core';
import { selectDeployTarget, selectModel } from '@envoy/config';
import { stopLocalDeployment } from '@envoy/deploy';
import {
  benchmarkStep,
  buildStep,
  deployStep,
  describeDeployOutcome,
  gateStep,
  outputPaths,
  registerStep,
  renderPipelineTable,
  runPipeline,
  type StepContext,
} from '@envoy/pipeline';
import { renderResultsSummary } from '@envoy/benchmark';

export type Arguments = Record<string, string | boolean | string[] | undefined>;

type Handler = (context: StepContext, args: Arguments) => Promise<number>;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
const print = (line: string) => process.stdout.write(`${line}\n`);

export const HANDLERS: Record<string, Handler> = {
  async register(context, args) {
    const { version, created } = await registerStep(context, {
      model: text(args.model),
      path: text(args.path),
      alias: text(args.alias),
      mustExist: args['must-exist'] === true,
    });
    print(
      `${version.model} v${version.version} ${version.digest}${created ? '' : ' (already registered)'}`,
    );
    return 0;
  },

  async build(context, args) {
    const image = await buildStep(context, {
      model: text(args.model),
      version: text(args.version),
    });
    print(`${image.manifestDigest} ${image.layoutPath}`);
    return 0;
  },

  async benchmark(context, args) {
    const { results, resultsPath } = await benchmarkStep(context, {
      model: text(args.model),
      version: text(args.version),
      target: text(args.target),
    });
    print(renderResultsSummary(results));
    print(`\nresults: ${resultsPath}`);
    return 0;
  },

  async gate(context, args) {
    const output = await gateStep(context, {
      model: text(args.model),
      version: text(args.version),
      targets: list(args.target),
      resultsPath: text(args.results),
      promoteTo: text(args['promote-to']),
    });
    for (const gate of output.gates) print(gate.report);
    if (output.promoted) print(`promoted to ${output.promoted.alias}`);
    return output.verdict === 'passed' ? 0 : 1;
  },

  async deploy(context, args) {
    const { outcome, target } = await deployStep(context, {
      model: text(args.model),
      version: text(args.version),
      target: text(args.target),
    });
    print(describeDeployOutcome(target, outcome));
    return outcome.status === 'rolled-back' ? 1 : 0;
  },

  async stop(context, args) {
    const target = selectDeployTarget(context.config, text(args.target));
    await stopLocalDeployment(outputPaths.deployments(context), target.name);
    print(`${target.name}: stopped`);
    return 0;
  },

  async pipeline(context, args) {
    const output = await runPipeline(context, {
      model: text(args.model),
      releases: list(args.release),
      targets: list(args.target),
      deploy: args['no-deploy'] !== true,
    });
    const created = output.releases.filter((release) => release.created).length;
    if (created === 0) print('Nothing new to register: every release is already in the registry.');
    print(renderPipelineTable(output));
    for (const deployment of output.deployments) {
      print(`\n${describeDeployOutcome(deployment.target, deployment.outcome)}`);
    }
    const rolledBack = output.deployments.some((d) => d.outcome.status === 'rolled-back');
    const rejected = output.releases.filter((release) => release.verdict !== 'passed');
    for (const release of rejected) {
      print(
        `\nv${release.version.version} was not promoted: its gate verdict is ${release.verdict}`,
      );
    }
    return rolledBack || rejected.length > 0 ? 1 : 0;
  },

  async ls(context, args) {
    const name = text(args.model);
    if (!name) {
      for (const model of await context.registry.listModels()) print(model);
      return 0;
    }
    const model = selectModel(context.config, name).name;
    const aliases = await context.registry.aliases(model);
    for (const version of await context.registry.listVersions(model)) {
      const names = Object.keys(aliases).filter((alias) => aliases[alias] === version.version);
      print(
        `v${version.version}  ${version.digest}  ${version.createdAt}  ${version.source}  ${names.join(',')}`,
      );
    }
    return 0;
  },

  async history(context, args) {
    const name = text(args.model);
    if (!name) throw new UserError('history needs --model NAME');
    const model = selectModel(context.config, name).name;
    const alias = text(args.alias);
    if (text(args.at)) return printAliasAt(context, model, alias, text(args.at)!);
    for (const move of await context.registry.aliasHistory(model, alias)) {
      const from = move.from === undefined ? '–' : `v${move.from}`;
      print(`${move.at}  ${move.alias}  ${from} -> v${move.to}  by ${move.actor}: ${move.reason}`);
    }
    return 0;
  },
};

async function printAliasAt(context: StepContext, model: string, alias = 'production', at: string) {
  const when = parseTime(at);
  const version = await context.registry.aliasAt(model, alias, when);
  print(
    version === undefined
      ? `${alias} held no version of ${model} at ${when.toISOString()}`
      : `v${version}`,
  );
  return version === undefined ? 1 : 0;
}

function parseTime(value: string): Date {
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(value) && value.includes('T')) {
    throw new UserError(`--at needs a time zone (e.g. ${value}Z), got "${value}"`);
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UserError(`--at must be an ISO 8601 time, got "${value}"`);
  return time;
}
