import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEvaluationOutput } from '@envoy/benchmark';
import { parseConfig, parseGateRule } from '@envoy/config';
import { gateCheckName } from '@envoy/github';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SETUP = readFileSync(join(ROOT, 'docs', 'setup.md'), 'utf8');

/** The bodies of the fenced code blocks of one language. */
function codeBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  return [...markdown.matchAll(fence)].map((match) => match[1]!);
}

describe('docs/setup.md', () => {
  const example = codeBlocks(SETUP, 'yaml').find((block) => block.includes('\nmodels:'));

  it('shows an envoy.yaml that Envoy loads, with every section the guide explains', () => {
    expect(example).toBeDefined();
    const config = parseConfig('envoy.yaml', example!, '/repo');
    expect(config.models.map((model) => model.name)).toEqual(['intent-classifier']);
    expect(config.hardware.map((target) => [target.name, target.kind])).toEqual([
      ['cpu', 'cpu'],
      ['h100', 'nvidia-gpu'],
    ]);
    expect(config.hardware[1]!.requireAccelerator).toBe(true);
    expect(config.hardware[1]!.benchmarkOverrides.executionProviders).toEqual(['cuda', 'cpu']);
    const [model] = config.models;
    expect(model!.evaluation?.command).toContain('{model}');
    expect(model!.gate.rules.map((rule) => rule.threshold.kind)).toEqual([
      'absolute',
      'baseline',
      'absolute',
      'baseline',
      'baseline',
    ]);
    expect(config.deploy.map((target) => target.environment)).toEqual(['production']);
    expect(config.registry.backend).toBe('git');
  });

  it('shows an evaluation output that Envoy reads', () => {
    const [output] = codeBlocks(SETUP, 'json');
    const metrics = parseEvaluationOutput(output!);
    expect(Object.keys(metrics)).toEqual(['accuracy', 'f1', 'wer']);
    expect(metrics.accuracy!.direction).toBe('bigger-is-better');
    expect(metrics.wer!.direction).toBe('smaller-is-better');
  });

  it('starts the example with the schema comment editors read', () => {
    expect(example!.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=\S+\/packages\/config\/schema\/envoy\.schema\.json$/,
    );
    expect(existsSync(join(ROOT, 'packages/config/schema/envoy.schema.json'))).toBe(true);
  });

  const gateReadme = readFileSync(join(ROOT, 'actions', 'gate-on-metrics', 'README.md'), 'utf8');
  const inlineRules = [SETUP, gateReadme].flatMap((text) =>
    [...text.matchAll(/`([a-z_0-9]+ (?:<=|>=|<|>|==|!=) [^`]+)`/g)].map((match) => match[1]!),
  );

  it('quotes gate rules in the guide and the gate README', () => {
    expect(inlineRules.length).toBeGreaterThanOrEqual(5);
  });

  it.each(inlineRules)('quotes a rule that parses: %s', (rule) => {
    expect(parseGateRule(rule)).toHaveProperty('rule');
  });

  it('names the check runs as the gate creates them', () => {
    expect(SETUP).toContain(`\`${gateCheckName('<model>', '<target>')}\``);
    expect(SETUP).toContain(`\`${gateCheckName('intent-classifier', 'h100')}\``);
  });

  it.each(['model-pr.yml', 'model-release.yml', 'model-rebenchmark.yml'])(
    'points at the workflow template %s, which exists with its starter',
    (template) => {
      expect(SETUP).toContain(`\`${template}\``);
      expect(existsSync(join(ROOT, 'workflows-templates', template))).toBe(true);
      expect(existsSync(join(ROOT, 'workflows-templates', 'starters', template))).toBe(true);
    },
  );
});
