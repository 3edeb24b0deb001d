import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  summary: string;
  usage: string;
  options: Options;
  /** One line per option, for --help. */
  help: string[];
}

const COMMON: Options = {
  config: { type: 'string', default: 'envoy.yaml' },
  registry: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const COMMON_HELP = [
  '--config FILE     settings file (default envoy.yaml; embedded defaults when absent and --path is given)',
  '--registry NAME   registry backend: local or git (default: as envoy.yaml says)',
  '--verbose         print debug lines',
];

/** Options that each take one word, e.g. `--model vad`. */
function words(...names: string[]): Options {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
}

const MODEL_HELP = '--model NAME      model from envoy.yaml (optional when only one is defined)';
const VERSION_HELP = '--version V       version number or alias (default: the newest version)';

export const COMMANDS: Record<string, CommandSpec> = {
  register: {
    summary: 'register model files as a new version (or find the existing one)',
    usage: 'envoy register [--model NAME] [--path FILE] [--alias NAME] [--must-exist]',
    options: {
      ...COMMON,
      ...words('model', 'path', 'alias'),
      'must-exist': { type: 'boolean', default: false },
    },
    help: [
      MODEL_HELP,
      '--path FILE       register these files instead of the model path',
      '--alias NAME      point this alias at the version',
      '--must-exist      only look the files up; fail unless they are a registered version',
    ],
  },
  build: {
    summary: 'build an OCI image layout holding a version under /models',
    usage: 'envoy build [--model NAME] [--version V]',
    options: { ...COMMON, ...words('model', 'version') },
    help: [MODEL_HELP, VERSION_HELP],
  },
  benchmark: {
    summary: 'benchmark a version on this machine and record the results',
    usage: 'envoy benchmark [--model NAME] [--version V] [--target NAME]',
    options: { ...COMMON, ...words('model', 'version', 'target') },
    help: [
      MODEL_HELP,
      VERSION_HELP,
      '--target NAME     hardware target from envoy.yaml (default: the first)',
    ],
  },
  gate: {
    summary: 'judge a version against its gate rules and production; exit 1 unless it passes',
    usage:
      'envoy gate [--model NAME] [--version V] [--target NAME ...] [--results FILE] [--promote-to ALIAS]',
    options: {
      ...COMMON,
      ...words('model', 'version', 'results', 'promote-to'),
      target: { type: 'string', multiple: true },
    },
    help: [
      MODEL_HELP,
      VERSION_HELP,
      '--target NAME     hardware target; repeat for several (default: the first)',
      '--results FILE    a results file to gate instead of the recorded results',
      '--promote-to A    move alias A to the version when it passes',
    ],
  },
  deploy: {
    summary:
      'serve a version locally (Open Inference Protocol), smoke-test it, switch or roll back',
    usage: 'envoy deploy [--model NAME] [--version V] [--target NAME]',
    options: { ...COMMON, ...words('model', 'version', 'target') },
    help: [
      MODEL_HELP,
      '--version V       version or alias (default: the target alias, e.g. production)',
      '--target NAME     deploy target from envoy.yaml (default: the first)',
    ],
  },
  stop: {
    summary: 'stop the server a local deploy target runs',
    usage: 'envoy stop [--target NAME]',
    options: { ...COMMON, ...words('target') },
    help: ['--target NAME     deploy target from envoy.yaml (default: the first)'],
  },
  pipeline: {
    summary:
      'register, build, benchmark, gate and promote each release in order, then deploy; exit 1 if one is rejected',
    usage: 'envoy pipeline [--model NAME] [--release FILE ...] [--target NAME ...] [--no-deploy]',
    options: {
      ...COMMON,
      ...words('model'),
      release: { type: 'string', multiple: true },
      target: { type: 'string', multiple: true },
      'no-deploy': { type: 'boolean', default: false },
    },
    help: [
      MODEL_HELP,
      '--release FILE    model files of one release; repeat, oldest first (default: the model path)',
      '--target NAME     hardware target; repeat for several (default: every target)',
      '--no-deploy       stop after promotion',
    ],
  },
  ls: {
    summary: 'list models, or the versions of one model with their aliases',
    usage: 'envoy ls [--model NAME]',
    options: { ...COMMON, ...words('model') },
    help: ['--model NAME      list this model’s versions'],
  },
  history: {
    summary: 'show alias moves (the audit log), or which version an alias held at a time',
    usage: 'envoy history --model NAME [--alias NAME] [--at TIME]',
    options: { ...COMMON, ...words('model', 'alias', 'at') },
    help: [
      '--model NAME      the model',
      '--alias NAME      only this alias (default: all)',
      '--at TIME         the version the alias held then (ISO 8601, e.g. 2026-12-01T12:00:00Z)',
    ],
  },
};

export function commandHelp(name: string, spec: CommandSpec): string {
  const lines = [`envoy ${name}: ${spec.summary}`, '', `usage: ${spec.usage}`, '', ...spec.help];
  lines.push(...COMMON_HELP);
  return lines.join('\n');
}

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'envoy: promote machine-learning models safely',
    '',
    'usage: envoy <command> [options]    envoy <command> --help    envoy --version',
    '',
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
  ].join('\n');
}
