import { createHash } from 'node:crypto';
import { formatNumber } from './format-number.js';
import type { GateDecision, RuleOutcome, Verdict } from './types.js';

export interface ReportContext {
  model: string;
  version: number;
  digest: string;
  target: string;
  hardwareClass: string;
  /** The envoy.yaml the rules came from, to point at each rule's line. */
  configFile?: string;
}

const HEADLINES: Record<Verdict, string> = {
  passed: '✅ Gate passed',
  failed: '❌ Gate failed',
  unstable: '⚠️ Gate undecided: unstable measurements',
};

/**
 * The gate decision as Markdown: a headline, what was gated, one table row per rule, the
 * notes and each rule's reason. The same decision always gives the same text, so its
 * digest can be recorded. Every `|` in a name or text is escaped.
 */
export function renderGateReport(decision: GateDecision, context: ReportContext): string {
  const lines = [
    `# ${HEADLINES[decision.verdict]}: ${escape(context.model)} v${context.version}`,
    '',
    '| | |',
    '|---|---|',
    `| Model | ${code(context.model)} version ${context.version} |`,
    `| Digest | ${code(context.digest)} |`,
    `| Target | ${code(context.target)} |`,
    `| Hardware class | ${code(context.hardwareClass)} |`,
    `| Baseline | ${describeBaseline(decision)} |`,
    ...(context.configFile ? [`| Rules from | ${code(context.configFile)} |`] : []),
    '',
    ...ruleTable(decision.outcomes, context.configFile),
    ...section(
      'Notes',
      decision.notes.map((note) => `- ${escape(note)}`),
    ),
    ...section(
      'Details',
      decision.outcomes.map(
        (outcome) => `- ${symbol(outcome)} ${code(outcome.rule.text)}: ${escape(outcome.reason)}`,
      ),
    ),
  ];
  return lines.join('\n') + '\n';
}

/** `sha256:<hex>` of the report's UTF-8 bytes. */
export function reportDigest(markdown: string): string {
  return `sha256:${createHash('sha256').update(markdown, 'utf8').digest('hex')}`;
}

function describeBaseline(decision: GateDecision): string {
  if (!decision.baseline) return 'none';
  return `version ${decision.baseline.version} on hardware class ${code(decision.baseline.hardwareClass)}`;
}

function ruleTable(outcomes: RuleOutcome[], configFile: string | undefined): string[] {
  if (outcomes.length === 0) return [];
  return [
    '| Rule | Actual | Threshold | Baseline | Ratio | Result |',
    '|---|---:|---:|---:|---:|:---:|',
    ...outcomes.map((outcome) => {
      const { rule } = outcome;
      const where =
        configFile && rule.position ? ` (${escape(`${configFile}:${rule.position.line}`)})` : '';
      const cells = [
        `${code(rule.text)}${where}`,
        number(outcome.actual),
        number(outcome.threshold),
        number(outcome.baseline),
        number(outcome.ratio),
        symbol(outcome),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
  ];
}

function section(title: string, items: string[]): string[] {
  return items.length === 0 ? [] : [`## ${title}`, '', ...items, ''];
}

function symbol(outcome: RuleOutcome): string {
  if (outcome.skipped) return '⏭️';
  return outcome.passed ? '✅' : '❌';
}

function number(value: number | undefined): string {
  return value === undefined ? '—' : formatNumber(value);
}

/** Escapes `|` (tables) and folds line breaks, so no text can break the layout. */
function escape(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A code span long enough to hold any backticks in the text. */
function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${escape(text)}${padding}${fence}`;
}
