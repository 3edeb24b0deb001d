import { ToolError, ToolMissingError, describeError, lastLines } from '@envoy/core';
import type { Log, ToolRunner } from '@envoy/core';

/** Vendor tools answer in seconds; one that hangs must not hold up the benchmark. */
const PROBE_TIMEOUT_MS = 60_000;

/** What a probe printed; no stdout when the tool is missing or failed. */
export interface ProbeRun {
  stdout?: string;
  /** The tool is not installed (as opposed to installed but failing). */
  missing: boolean;
}

/**
 * Runs a vendor tool and returns what it printed. A tool that is not installed or that fails
 * (nvidia-smi with no driver loaded, say) returns no stdout: either way the hardware it
 * reports on counts as absent. A failure is logged at debug level with the tool's own words.
 */
export async function runProbe(
  tools: ToolRunner,
  log: Log,
  tool: string,
  args: readonly string[],
): Promise<ProbeRun> {
  try {
    const output = await tools.run(tool, args, {
      allowFailure: true,
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    if (output.exitCode === 0) return { stdout: output.stdout, missing: false };
    const said = lastLines(output.stderr || output.stdout) || 'nothing';
    log.debug(`${tool} exited with ${output.exitCode}, counted as absent; it said: ${said}`);
  } catch (error) {
    if (error instanceof ToolMissingError) {
      log.debug(`${tool} is not installed; counted as absent`);
      return { missing: true };
    }
    if (error instanceof ToolError) {
      log.debug(`${tool} failed, counted as absent: ${error.stderrTail || error.message}`);
    } else {
      log.warning(`Could not run ${tool}, counted as absent: ${describeError(error)}`);
    }
  }
  return { missing: false };
}

/**
 * Parses a probe's output; output the parser cannot read counts as absent, with a warning
 * that quotes the problem, so that a required accelerator then fails closed.
 */
export function parseProbe<T>(
  log: Log,
  tool: string,
  text: string | undefined,
  parse: (text: string) => T[],
): T[] {
  if (text === undefined) return [];
  try {
    return parse(text);
  } catch (error) {
    log.warning(`Could not read the output of ${tool}, counted as absent: ${describeError(error)}`);
    return [];
  }
}
