import { Pool } from 'undici';
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

  const connections =
    mode.kind === 'closed' ? mode.concurrency : (mode.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const pool = new Pool(target.origin, {
    connections,
    pipelining: 1,
    connectTimeout: options.timeoutMs,
    // The run enforces timeoutMs over the whole request; undici's own timers are not needed.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  try {
    const run =
      mode.kind === 'closed'
        ? new ClosedLoopRun(target, options, pool, mode.concurrency)
        : new OpenLoopRun(target, options, pool, mode.rate, connections);
    return await run.execute();
  } finally {
    await pool.destroy();
  }
}
