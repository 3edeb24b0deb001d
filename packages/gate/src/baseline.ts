import type { BenchmarkResults } from '@envoy/core';
import type { Baseline } from './types.js';

/** What relative rules can compare with. */
export type BaselineState =
  | { kind: 'none' }
  | { kind: 'unusable'; version: number; reason: string }
  | { kind: 'usable'; version: number; results: BenchmarkResults };

/**
 * Decides whether the baseline can be compared with: only results of the same model on the
 * same hardware class can. Anything else makes every relative rule fail, saying why.
 */
export function baselineState(
  baseline: Baseline | undefined,
  results: BenchmarkResults,
): BaselineState {
  if (!baseline) return { kind: 'none' };
  const { version } = baseline;
  const here = results.hardware.class;
  const unusable = (why: string): BaselineState => ({
    kind: 'unusable',
    version,
    reason: `${why}; relative rules only compare results from one hardware class`,
  });
  if (!baseline.results) {
    const others = baseline.otherClasses ?? [];
    if (version === results.version && others.length > 0) {
      return unusable(
        `production version ${version} was measured before on hardware class ` +
          `${others.join(', ')}, never on ${here}: the hardware or its drivers changed since. ` +
          'Once recorded, these results are the baseline on this class',
      );
    }
    const elsewhere =
      others.length > 0 ? `it has results on ${others.join(', ')}` : 'it has no results at all';
    return unusable(
      `production version ${version} has no results on hardware class ${here} (${elsewhere})`,
    );
  }
  const theirs = baseline.results;
  if (theirs.model !== results.model) {
    return {
      kind: 'unusable',
      version,
      reason: `the baseline results are for model ${theirs.model}, not ${results.model}`,
    };
  }
  if (theirs.hardware.class !== here) {
    return unusable(
      `baseline version ${version} was measured on hardware class ${theirs.hardware.class}, not ${here}`,
    );
  }
  return { kind: 'usable', version, results: theirs };
}
