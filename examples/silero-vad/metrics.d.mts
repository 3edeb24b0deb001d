// Types for metrics.mjs, so TypeScript tests can import it.

export interface LabelledSegment {
  startSample: number;
  endSample: number;
}

export interface DetectionScores {
  precision: number;
  recall: number;
  f1: number;
}

export function frameLabels(
  segments: readonly LabelledSegment[],
  sampleCount: number,
  frameSize: number,
): boolean[];

export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number;

export function detectionScores(
  scores: readonly number[],
  labels: readonly boolean[],
  threshold: number,
): DetectionScores;
