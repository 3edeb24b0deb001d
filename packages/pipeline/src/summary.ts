import type { GateDecision } from '@envoy/gate';
import { formatNumber } from '@envoy/gate';
import type { PipelineOutput, ReleaseOutcome } from './pipeline.js';

const COLUMNS = ['version', 'digest', 'p50 ms', 'p99 ms', 'inferences/s', 'F1', 'verdict', 'alias'];

/** The pipeline's outcome as a Markdown table, one row per release. */
export function renderPipelineTable(output: PipelineOutput): string {
  const rows = output.releases.map((release) => releaseRow(release, output.aliases));
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

function releaseRow(release: ReleaseOutcome, aliases: Record<string, number>): string[] {
  const metrics = release.gates[0]?.metrics ?? {};
  const value = (name: string) => {
    const metric = metrics[name];
    return metric === undefined ? '–' : formatNumber(metric.value);
  };
  const aliasNames = Object.entries(aliases)
    .filter(([, version]) => version === release.version.version)
    .map(([alias]) => alias);
  return [
    `v${release.version.version}`,
    release.version.digest.replace('sha256:', '').slice(0, 12),
    value('latency_p50_ms'),
    value('latency_p99_ms'),
    value('inferences_per_second'),
    value('f1'),
    describeVerdict(release),
    aliasNames.join(', ') || '–',
  ];
}

function describeVerdict(release: ReleaseOutcome): string {
  const failing = release.gates.flatMap(({ target, decision }) =>
    failingRules(decision).map((rule) => (release.gates.length > 1 ? `${target}: ${rule}` : rule)),
  );
  return failing.length ? `${release.verdict} (${failing.join('; ')})` : release.verdict;
}

function failingRules(decision: GateDecision): string[] {
  return decision.outcomes
    .filter((outcome) => !outcome.passed && !outcome.skipped)
    .map((outcome) => outcome.rule.text);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
