import { UserError, UserErrors } from '@envoy/core';
import {
  DEFAULT_BENCHMARK,
  DEFAULT_DEPLOY,
  DEFAULT_EVALUATION_TIMEOUT_SECONDS,
  DEFAULT_GATE,
  DEFAULT_HARDWARE,
  DEFAULT_HTTP,
  DEFAULT_OUTPUT_DIR,
  DEFAULT_REGISTRY,
} from './defaults.js';
import { parseGateRule } from './rules.js';
import { problemAt, type Path } from './problems.js';
import type { YamlSource } from './yaml-source.js';
import type {
  BenchmarkSettings,
  DeployTarget,
  EnvoyConfig,
  EvaluationSettings,
  GateRule,
  GateSettings,
  HardwareTarget,
  ModelSettings,
} from './types.js';

type Raw = Record<string, unknown>;

/** Turns schema-valid raw settings into an EnvoyConfig with every default filled in. */
export function buildConfig(source: YamlSource, raw: Raw, root: string): EnvoyConfig {
  const problems: UserError[] = [];
  const globalBenchmark = mergeBenchmark(DEFAULT_BENCHMARK, raw.benchmark as Raw | undefined);
  const globalEvaluation = evaluation(raw.evaluation as Raw | undefined);
  const globalGate = gate(source, raw.gate as Raw | undefined, ['gate'], DEFAULT_GATE, problems);
  const models = ((raw.models as Raw[]) ?? []).map((model, index) => ({
    name: String(model.name),
    path: String(model.path),
    format: (model.format as ModelSettings['format']) ?? 'onnx',
    benchmark: mergeBenchmark(globalBenchmark, model.benchmark as Raw | undefined),
    evaluation: evaluation(model.evaluation as Raw | undefined) ?? globalEvaluation,
    gate: gate(
      source,
      model.gate as Raw | undefined,
      ['models', index, 'gate'],
      globalGate,
      problems,
    ),
    position: source.positionOf(['models', index]),
  }));
  const hardware = ((raw.hardware as Raw[] | undefined) ?? [undefined]).map(hardwareTarget);
  const deploy = ((raw.deploy as Raw[] | undefined) ?? [undefined]).map(deployTarget);
  checkUnique(source, models, 'models', problems);
  checkUnique(source, hardware, 'hardware', problems);
  checkUnique(source, deploy, 'deploy', problems);
  if (problems.length > 0) throw new UserErrors(problems);
  return {
    file: source.file,
    root,
    registry: { ...DEFAULT_REGISTRY, ...registry(raw.registry as Raw | undefined) },
    models,
    hardware,
    deploy,
    outputDir: (raw['output-dir'] as string | undefined) ?? DEFAULT_OUTPUT_DIR,
  };
}

function registry(raw: Raw | undefined) {
  if (!raw) return {};
  return definedOnly({
    backend: raw.backend as 'local' | 'git' | undefined,
    path: raw.path as string | undefined,
    branch: raw.branch as string | undefined,
    remote: raw.remote as string | undefined,
  });
}

/** Applies the kebab-case benchmark keys of `raw` over `base`. */
export function mergeBenchmark(base: BenchmarkSettings, raw: Raw | undefined): BenchmarkSettings {
  if (!raw) return base;
  return { ...base, ...benchmarkOverrides(raw) };
}

function benchmarkOverrides(raw: Raw): Partial<BenchmarkSettings> {
  const http = raw.http as Raw | undefined;
  return definedOnly({
    driver: raw.driver as BenchmarkSettings['driver'] | undefined,
    warmup: raw.warmup as number | undefined,
    iterations: raw.iterations as number | undefined,
    trials: raw.trials as number | undefined,
    maxCv: raw['max-cv'] as number | undefined,
    progressSeconds: raw['progress-seconds'] as number | undefined,
    dimensions: raw.dimensions as Record<string, number> | undefined,
    inputs: raw.inputs as BenchmarkSettings['inputs'] | undefined,
    executionProviders: raw['execution-providers'] as
      BenchmarkSettings['executionProviders'] | undefined,
    batchSizes: raw['batch-sizes'] as number[] | undefined,
    command: raw.command as BenchmarkSettings['command'] | undefined,
    http: http ? httpSettings(http) : undefined,
  });
}

function httpSettings(raw: Raw): BenchmarkSettings['http'] {
  return {
    ...DEFAULT_HTTP,
    concurrency: [...DEFAULT_HTTP.concurrency],
    ...definedOnly({
      url: raw.url as string | undefined,
      protocol: raw.protocol as 'open-inference' | 'openai' | undefined,
      scenario: raw.scenario as 'single-stream' | 'server' | 'offline' | undefined,
      concurrency: raw.concurrency as number[] | undefined,
      rate: raw.rate as number | undefined,
      durationSeconds: raw['duration-seconds'] as number | undefined,
      warmupSeconds: raw['warmup-seconds'] as number | undefined,
      timeoutMs: raw['timeout-ms'] as number | undefined,
      latencyBoundMs: raw['latency-bound-ms'] as number | undefined,
      body: raw.body,
    }),
  };
}

function evaluation(raw: Raw | undefined): EvaluationSettings | undefined {
  if (!raw) return undefined;
  return {
    command: raw.command as string[],
    timeoutSeconds:
      (raw['timeout-seconds'] as number | undefined) ?? DEFAULT_EVALUATION_TIMEOUT_SECONDS,
  };
}

function gate(
  source: YamlSource,
  raw: Raw | undefined,
  path: Path,
  base: GateSettings,
  problems: UserError[],
): GateSettings {
  if (!raw) return base;
  const rules = raw.rules
    ? (raw.rules as string[]).map((text, index) =>
        gateRule(source, text, [...path, 'rules', index], problems),
      )
    : base.rules;
  return {
    rules: rules.filter((rule): rule is GateRule => rule !== undefined),
    promoteTo: (raw['promote-to'] as string | undefined) ?? base.promoteTo,
    baselineAlias: (raw['baseline-alias'] as string | undefined) ?? base.baselineAlias,
  };
}

function gateRule(
  source: YamlSource,
  text: string,
  path: Path,
  problems: UserError[],
): GateRule | undefined {
  const position = source.positionOf(path);
  const parsed = parseGateRule(text, position);
  if ('rule' in parsed) return parsed.rule;
  problems.push(problemAt(source, path, `${parsed.error}, got ${JSON.stringify(text)}`, position));
  return undefined;
}

function hardwareTarget(raw: Raw | undefined): HardwareTarget {
  if (!raw) return DEFAULT_HARDWARE;
  const kind = raw.kind as HardwareTarget['kind'];
  const runsOn = raw['runs-on'];
  return {
    name: String(raw.name),
    kind,
    runsOn:
      runsOn === undefined ? DEFAULT_HARDWARE.runsOn : ([] as string[]).concat(runsOn as string),
    requireAccelerator: (raw['require-accelerator'] as boolean | undefined) ?? kind !== 'cpu',
    benchmarkOverrides: raw.benchmark ? benchmarkOverrides(raw.benchmark as Raw) : {},
  };
}

function deployTarget(raw: Raw | undefined): DeployTarget {
  if (!raw) return DEFAULT_DEPLOY;
  return {
    ...DEFAULT_DEPLOY,
    ...definedOnly({
      name: raw.name as string,
      kind: raw.kind as 'local' | undefined,
      alias: raw.alias as string | undefined,
      host: raw.host as string | undefined,
      port: raw.port as number | undefined,
      environment: raw.environment as string | undefined,
      healthTimeoutSeconds: raw['health-timeout-seconds'] as number | undefined,
    }),
  };
}

function checkUnique(
  source: YamlSource,
  items: Array<{ name: string }>,
  section: string,
  problems: UserError[],
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (!seen.has(item.name)) {
      seen.add(item.name);
      return;
    }
    problems.push(problemAt(source, [section, index, 'name'], `"${item.name}" is used twice`));
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
