import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { COMMANDS } from '../../packages/cli/src/commands.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'action-docs.mjs');

/** Each action folder and the `envoy` command that runs the same step. */
const COMMAND_OF: Record<string, string> = {
  'benchmark-on-hardware': 'benchmark',
  'build-image': 'build',
  deploy: 'deploy',
  'gate-on-metrics': 'gate',
  'register-model': 'register',
};

interface ActionYaml {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string };
}

const ACTIONS = readdirSync(join(ROOT, 'actions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function read(...path: string[]): string {
  return readFileSync(join(ROOT, ...path), 'utf8');
}

function actionYaml(name: string): ActionYaml {
  return load(read('actions', name, 'action.yml')) as ActionYaml;
}

function runScript(...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The names in the first column of the table between a README's markers. */
function tableNames(readme: string, table: 'inputs' | 'outputs'): string[] {
  const start = readme.indexOf(`<!-- action-docs:${table} -->`);
  const end = readme.indexOf(`<!-- /action-docs:${table} -->`);
  expect(start, `the ${table} markers`).toBeGreaterThan(-1);
  expect(end, `the ${table} markers`).toBeGreaterThan(start);
  const rows = readme.slice(start, end).split('\n');
  return rows.flatMap((row) => /^\| `([^`]+)` +\|/.exec(row)?.[1] ?? []);
}

describe('scripts/action-docs.mjs', () => {
  let scratch: string | undefined;

  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  /** A copy of the repository's actions (action.yml and README.md only) to change freely. */
  function copyOfActions(): string {
    scratch = mkdtempSync(join(tmpdir(), 'envoy-action-docs-'));
    cpSync(join(ROOT, '.prettierrc.json'), join(scratch, '.prettierrc.json'));
    for (const name of ACTIONS) {
      for (const file of ['action.yml', 'README.md']) {
        cpSync(join(ROOT, 'actions', name, file), join(scratch, 'actions', name, file));
      }
    }
    return scratch;
  }

  function edit(root: string, path: string, change: (text: string) => string): void {
    const file = join(root, path);
    writeFileSync(file, change(readFileSync(file, 'utf8')));
  }

  it('passes --check on the committed READMEs', () => {
    const run = runScript('--check');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('names each README whose tables are stale, then rewrites only those tables', () => {
    const root = copyOfActions();
    edit(root, 'actions/deploy/action.yml', (text) =>
      text.replace("'deployed, unchanged, or rolled-back.'", "'deployed | unchanged (e.g. x)'"),
    );
    edit(root, 'actions/gate-on-metrics/README.md', (text) =>
      text.replace(/^\| `promote-to` .*\n/m, ''),
    );
    const gateBefore = readFileSync(join(root, 'actions/gate-on-metrics/README.md'), 'utf8');

    const check = runScript('--check', '--root', root);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('actions/deploy/README.md: the outputs table(s) are stale');
    expect(check.stderr).toContain(
      'actions/gate-on-metrics/README.md: the inputs table(s) are stale',
    );
    expect(check.stderr).not.toContain('register-model');

    const write = runScript('--root', root);
    expect(write.status).toBe(0);
    const deploy = readFileSync(join(root, 'actions/deploy/README.md'), 'utf8');
    expect(deploy).toMatch(/^\| `status` +\| deployed \\\| unchanged \(e\.g\. x\) +\|$/m);
    const gateAfter = readFileSync(join(root, 'actions/gate-on-metrics/README.md'), 'utf8');
    expect(tableNames(gateAfter, 'inputs')).toContain('promote-to');
    const prose = (text: string) => text.slice(0, text.indexOf('<!-- action-docs:inputs -->'));
    expect(prose(gateAfter)).toBe(prose(gateBefore));
    expect(runScript('--check', '--root', root).status).toBe(0);
  });

  it('refuses a README without markers and leaves it as it was', () => {
    const root = copyOfActions();
    edit(root, 'actions/build-image/README.md', (text) =>
      text.replace('<!-- /action-docs:outputs -->', ''),
    );
    const before = readFileSync(join(root, 'actions/build-image/README.md'), 'utf8');
    for (const args of [['--check'], []]) {
      const run = runScript(...args, '--root', root);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        'actions/build-image/README.md: no "<!-- action-docs:outputs -->" ... "<!-- /action-docs:outputs -->" markers',
      );
    }
    expect(readFileSync(join(root, 'actions/build-image/README.md'), 'utf8')).toBe(before);
  });

  it('refuses an unknown option with status 2', () => {
    const run = runScript('--chek');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: node scripts/action-docs.mjs [--check] [--root DIR]');
  });
});

describe('the five actions', () => {
  it('are the ones the READMEs and the command line cover', () => {
    expect(ACTIONS).toEqual(Object.keys(COMMAND_OF).sort());
  });

  it.each(ACTIONS)(
    '%s runs dist/index.js on node24 and has a name, description and branding',
    (name) => {
      const action = actionYaml(name);
      expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
      expect(action.name).toMatch(/^Envoy: /);
      expect(action.description?.length).toBeGreaterThan(20);
      expect(action.branding?.icon).toBeTruthy();
      expect(action.branding?.color).toBeTruthy();
    },
  );

  const inputs = ACTIONS.flatMap((name) =>
    Object.entries(actionYaml(name).inputs ?? {}).map(([input, spec]) => ({ name, input, spec })),
  );

  it.each(inputs)('$name input $input has a description with an example', ({ spec }) => {
    expect(spec.description).toMatch(/\(e\.g\. [^)]+\)/);
  });

  it.each(ACTIONS)('%s README lists every input and output, in order', (name) => {
    const action = actionYaml(name);
    const readme = read('actions', name, 'README.md');
    expect(tableNames(readme, 'inputs')).toEqual(Object.keys(action.inputs ?? {}));
    expect(tableNames(readme, 'outputs')).toEqual(Object.keys(action.outputs ?? {}));
  });

  it.each(ACTIONS)('%s README shows the workflow step and the envoy command line', (name) => {
    const readme = read('actions', name, 'README.md');
    const command = COMMAND_OF[name]!;
    expect(readme).toContain(`uses: OWNER/envoy/actions/${name}@v0`);
    expect(readme).toContain(`envoy ${command} --help`);
    expect(readme).toContain(COMMANDS[command]!.usage);
  });
});

/** The kebab-case names in a `const NAME = { key: 'value', ...OTHER } as const` block. */
function constantNames(source: string, constant: string, file: string): Map<string, string> {
  const block = new RegExp(`export const ${constant} = \\{([\\s\\S]*?)\\} as const;`).exec(source);
  if (!block) throw new Error(`${file}: no "export const ${constant} = { ... } as const;"`);
  const names = new Map<string, string>();
  for (const spread of block[1]!.matchAll(/\.\.\.(\w+)/g)) {
    for (const entry of constantNames(ACTION_KIT, spread[1]!, 'action-kit context.ts')) {
      names.set(...entry);
    }
  }
  for (const [, key, value] of block[1]!.matchAll(/(\w+):\s*'([^']*)'/g)) {
    names.set(key!, value!);
  }
  return names;
}

const ACTION_KIT = read('packages', 'action-kit', 'src', 'context.ts');

/** Inputs the action kit reads for every action: the common ones, and any read by name. */
const KIT_READS = new Set([
  ...constantNames(ACTION_KIT, 'COMMON_INPUTS', 'action-kit context.ts').values(),
  ...[...ACTION_KIT.matchAll(/getInput\('([^']+)'\)/g)].map((match) => match[1]!),
]);

const INPUT_READERS =
  /\b(optionalInput|requiredInput|booleanInput|listInput|choiceInput|getInput|getBooleanInput|getMultilineInput)\(\s*['"`]/;

describe.each(ACTIONS)('%s src/main.ts', (name) => {
  const main = read('actions', name, 'src', 'main.ts');
  const file = `actions/${name}/src/main.ts`;
  const action = actionYaml(name);

  it('declares in INPUTS exactly the inputs of action.yml, and reads each one', () => {
    const inputs = constantNames(main, 'INPUTS', file);
    expect([...inputs.values()].sort()).toEqual(Object.keys(action.inputs ?? {}).sort());
    const unread = [...inputs].filter(
      ([key, value]) => !main.includes(`INPUTS.${key}`) && !KIT_READS.has(value),
    );
    expect(unread.map(([, value]) => value)).toEqual([]);
    expect(main).not.toMatch(INPUT_READERS);
  });

  it('declares in OUTPUTS exactly the outputs of action.yml, and sets each one', () => {
    const outputs = constantNames(main, 'OUTPUTS', file);
    expect([...outputs.values()].sort()).toEqual(Object.keys(action.outputs ?? {}).sort());
    const unset = [...outputs].filter(([key]) => !main.includes(`[OUTPUTS.${key}]:`));
    expect(unset.map(([, value]) => value)).toEqual([]);
    expect(main).not.toMatch(/setOutput\(\s*['"`]/);
  });
});
