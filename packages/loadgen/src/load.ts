import { ClosedLoopRun, OpenLoopRun } from './loops.js';
import { checkMode, resolveTarget } from './target.js';
import type { LoadOptions, LoadReport } from './types.js';

/** Open loop: how many requests may be out at once unless `maxInFlight` says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 1024;

/**
 * Runs one load test: a warm-up, then `durationMs` of measured requests, then waits for the
 * requests still out (each bounded by `timeoutMs`). Failed requests are counted, never thrown;
 * bad options throw `UserError`; an aborted `signal` rejects with its reason.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const target = resolveTarget(options);
  const mode = options.mode;
  checkMode(mode);
  options.signal?.throwIfAborted();

  const run =
    mode.kind === 'closed'
      ? new ClosedLoopRun(target, options, mode.concurrency)
      : new OpenLoopRun(target, options, mode.rate, mode.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  return run.execute();
}
