import * as core from '@actions/core';
import { ToolError, UserError, UserErrors } from '@envoy/core';
import { annotationPath } from './log.js';

/**
 * Runs an action's main function: anything thrown fails the step. A user's mistake fails it
 * with its message and an annotation on the file and line; anything else also logs its stack
 * behind debug.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    reportFailure(error);
  }
}

function reportFailure(error: unknown): void {
  if (error instanceof UserError) {
    const problems = error instanceof UserErrors ? error.problems : [error];
    for (const problem of problems) annotate(problem);
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  if (error instanceof Error) {
    if (!(error instanceof ToolError)) core.debug(error.stack ?? error.message);
    core.setFailed(error.message);
    return;
  }
  core.setFailed(String(error));
}

function annotate(problem: UserError): void {
  const location = problem.location;
  core.error(problem.message, {
    title: 'envoy',
    file: location?.file ? annotationPath(location.file) : undefined,
    startLine: location?.line,
    startColumn: location?.column,
  });
}
