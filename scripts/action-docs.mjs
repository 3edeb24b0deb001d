#!/usr/bin/env node
// Writes the inputs and outputs tables of each actions/<name>/README.md from its action.yml,
// between the markers <!-- action-docs:inputs --> ... <!-- /action-docs:inputs --> (and the
// same for outputs). Tables are formatted with the repository's Prettier settings, so
// `prettier --check` and this script agree.
// Usage: node scripts/action-docs.mjs [--check] [--root DIR]
//   --check     change nothing; exit 1 naming each README whose tables are stale
//   --root DIR  the repository root (default: the folder above this script)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { load } from 'js-yaml';

const TABLES = ['inputs', 'outputs'];

/** Escapes a table cell: `|` would end the cell, and a newline would end the row. */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|');
}

function code(text) {
  const fence = String(text).includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

function defaultCell(input) {
  if (input.default === undefined || input.default === null) return '(none)';
  if (String(input.default) === '') return '(empty)';
  return cell(code(input.default));
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The Markdown tables for one parsed action.yml, before formatting. */
function renderTables(action) {
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) => [
    cell(code(name)),
    cell(input.description ?? ''),
    input.required === true ? 'yes' : 'no',
    defaultCell(input),
  ]);
  const outputs = Object.entries(action.outputs ?? {}).map(([name, output]) => [
    cell(code(name)),
    cell(output.description ?? ''),
  ]);
  return {
    inputs: table(['input', 'description', 'required', 'default'], inputs),
    outputs: table(['output', 'description'], outputs),
  };
}

function markers(name) {
  return { start: `<!-- action-docs:${name} -->`, end: `<!-- /action-docs:${name} -->` };
}

/**
 * Puts each table between its markers. Returns the new text and the names of the tables that
 * changed, or a problem when a pair of markers is missing or out of order.
 */
function replaceTables(readme, tables) {
  let text = readme;
  const changed = [];
  for (const name of TABLES) {
    const { start, end } = markers(name);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to === -1 || to < from) {
      return { problem: `no "${start}" ... "${end}" markers: add them where the table goes` };
    }
    const before = text.slice(0, from + start.length);
    const after = text.slice(to);
    const body = `\n\n${tables[name]}\n\n`;
    if (text.slice(from + start.length, to) !== body) changed.push(name);
    text = `${before}${body}${after}`;
  }
  return { text, changed };
}

async function formattedTables(action, readmePath) {
  const options = (await prettier.resolveConfig(readmePath)) ?? {};
  const raw = renderTables(action);
  const tables = {};
  for (const name of TABLES) {
    const formatted = await prettier.format(raw[name], { ...options, parser: 'markdown' });
    tables[name] = formatted.trimEnd();
  }
  return tables;
}

function actionFolders(root) {
  const actions = join(root, 'actions');
  if (!existsSync(actions)) return [];
  return readdirSync(actions, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(actions, entry.name, 'action.yml')))
    .map((entry) => join(actions, entry.name))
    .sort();
}

/** Checks or rewrites one README; returns the problems found (empty when up to date). */
async function processAction(folder, root, check) {
  const readmePath = join(folder, 'README.md');
  const readmeName = relative(root, readmePath);
  const actionName = relative(root, join(folder, 'action.yml'));
  if (!existsSync(readmePath)) return [`${readmeName}: missing (the README of ${actionName})`];
  let action;
  try {
    action = load(readFileSync(join(folder, 'action.yml'), 'utf8'));
  } catch (error) {
    return [`${actionName}: not valid YAML: ${error.message}`];
  }
  const readme = readFileSync(readmePath, 'utf8');
  const result = replaceTables(readme, await formattedTables(action, readmePath));
  if (result.problem) return [`${readmeName}: ${result.problem}`];
  if (result.changed.length === 0) return [];
  if (check) return [`${readmeName}: the ${result.changed.join(' and ')} table(s) are stale`];
  writeFileSync(readmePath, result.text);
  console.log(`${readmeName}: rewrote the ${result.changed.join(' and ')} table(s)`);
  return [];
}

async function main() {
  let options;
  try {
    options = parseArgs({
      options: { check: { type: 'boolean', default: false }, root: { type: 'string' } },
    }).values;
  } catch (error) {
    console.error(
      `action-docs: ${error.message}\nusage: node scripts/action-docs.mjs [--check] [--root DIR]`,
    );
    return 2;
  }
  const root = options.root ?? fileURLToPath(new URL('..', import.meta.url));
  const folders = actionFolders(root);
  if (folders.length === 0) {
    console.error(`action-docs: no actions/*/action.yml under ${root}`);
    return 1;
  }
  const problems = [];
  for (const folder of folders)
    problems.push(...(await processAction(folder, root, options.check)));
  for (const problem of problems) console.error(problem);
  if (problems.length > 0 && options.check) {
    console.error('Run node scripts/action-docs.mjs to rewrite the tables.');
  }
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = await main();
