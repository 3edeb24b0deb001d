import type { BenchmarkResults, Metric } from '@envoy/core';
import { describeHardware } from '@envoy/hardware';

/** A markdown report of one results file, for a job's step summary. */
export function renderResultsSummary(results: BenchmarkResults): string {
  const lines = [
    `### ${cell(results.model)} v${results.version} on ${cell(results.target)}`,
    '',
    `Driver \`${results.driver}\` on ${cell(describeHardware(results.hardware))}, ` +
      `class \`${results.hardware.class}\`; ` +
      `${results.trials.length} trial(s), ${results.startedAt} to ${results.finishedAt}.`,
    '',
    '| metric | value | unit | better | source |',
    '| --- | ---: | --- | --- | --- |',
    ...Object.entries(results.metrics).map(([name, metric]) => metricRow(name, metric)),
  ];
  if (results.stability) {
    const { coefficientOfVariation, maxCoefficientOfVariation, stable } = results.stability;
    lines.push(
      '',
      `Stability: coefficient of variation ${percent(coefficientOfVariation)} across trials ` +
        `(at most ${percent(maxCoefficientOfVariation)}): ${stable ? 'stable' : '**unstable**'}.`,
    );
  } else if (results.trials.length === 1) {
    lines.push('', 'Stability not assessed (1 trial): set `benchmark.trials` to 2 or more.');
  }
  const runtime = Object.entries(results.runtime);
  if (runtime.length > 0) {
    lines.push('', `Runtime: ${runtime.map(([key, value]) => `${key} \`${value}\``).join(', ')}.`);
  }
  return lines.join('\n') + '\n';
}

function metricRow(name: string, metric: Metric): string {
  const better = metric.direction === 'smaller-is-better' ? 'lower' : 'higher';
  return `| ${cell(name)} | ${formatValue(metric.value)} | ${cell(metric.unit)} | ${better} | ${metric.source} |`;
}

/** Four significant digits, without exponent notation for everyday sizes. */
function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Keeps user text from breaking the table. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
