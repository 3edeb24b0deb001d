import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ProcessToolRunner, UserError, UserErrors, ToolError, type Log } from '@envoy/core';
import { readGitHubContext } from '@envoy/github';
import { createStepContext, type StepContext } from '@envoy/pipeline';
import { COMMANDS, commandHelp, generalHelp, type CommandSpec } from './commands.js';
import { ConsoleLog } from './console-log.js';
import { HANDLERS, type Arguments } from './handlers.js';
import packageJson from '../../../package.json' with { type: 'json' };

/** Exit codes: 0 done, 1 a failure or a rejected gate, 2 a usage mistake. */
export async function main(argv: string[], bundleUrl: string): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${generalHelp()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  const spec = COMMANDS[name];
  if (!spec) return usageError(`unknown command "${name}"`);
  const parsed = parseCommand(spec, rest);
  if (typeof parsed === 'string') return usageError(`${parsed}\n\n${commandHelp(name, spec)}`);
  if (parsed.help) {
    process.stdout.write(`${commandHelp(name, spec)}\n`);
    return 0;
  }
  const log = new ConsoleLog(parsed.verbose === true);
  try {
    const context = await cliContext(parsed, log, bundleUrl);
    return await HANDLERS[name]!(context, parsed);
  } catch (error) {
    return reportError(error, log);
  }
}

function parseCommand(spec: CommandSpec, args: string[]): Arguments | string {
  try {
    const { values } = parseArgs({
      args,
      options: spec.options,
      strict: true,
      allowPositionals: false,
    });
    return values as Arguments;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function cliContext(args: Arguments, log: Log, bundleUrl: string): Promise<StepContext> {
  const tools = new ProcessToolRunner(log);
  const path = typeof args.path === 'string' ? args.path : undefined;
  return createStepContext({
    configFile: String(args.config),
    root: process.cwd(),
    env: process.env,
    tools,
    log,
    github: readGitHubContext(process.env),
    defaultModel: typeof args.model === 'string' ? { name: args.model, path } : undefined,
    runtimeSearch: [process.cwd(), fileURLToPath(new URL('.', bundleUrl))],
    registryBackend: registryBackend(args.registry),
    serverCommand: [process.execPath, fileURLToPath(new URL('../serve/index.js', bundleUrl))],
  });
}

function registryBackend(value: unknown): 'local' | 'git' | undefined {
  if (value === undefined) return undefined;
  if (value === 'local' || value === 'git') return value;
  throw new UserError(`--registry must be local or git, got "${String(value)}"`);
}

function usageError(message: string): number {
  process.stderr.write(`envoy: ${message}\n`);
  return 2;
}

function reportError(error: unknown, log: Log): number {
  if (error instanceof UserErrors) {
    for (const problem of error.problems) log.error(problem.message);
  } else if (error instanceof UserError || error instanceof ToolError) {
    log.error(error.message);
  } else if (error instanceof Error) {
    log.error(error.message);
    log.debug(error.stack ?? '');
    log.info('This looks like a bug in Envoy: run again with --verbose for the details.');
  } else {
    log.error(String(error));
  }
  return 1;
}
