/** Where in a user's file a problem was found. Lines and columns count from 1. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  field?: string;
}

/**
 * A mistake the user can fix (bad settings, bad input, unknown model). Reported as a
 * plain message, never with a stack trace, and always with a non-zero exit.
 */
export class UserError extends Error {
  override name = 'UserError';

  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

/** Several user mistakes found together, reported at once. */
export class UserErrors extends UserError {
  override name = 'UserErrors';

  constructor(readonly problems: UserError[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

/** An external tool (git, nvidia-smi, npm) failed. Carries the tool's last stderr lines. */
export class ToolError extends Error {
  override name = 'ToolError';

  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(
      `${tool} ${args.join(' ')} exited with ${exitCode}` + (stderrTail ? `: ${stderrTail}` : ''),
    );
  }
}

/** Formats a location as `file:line:column` (parts that are unknown are left out). */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.column !== undefined) text += `:${location.column}`;
  return text;
}

/** Turns anything thrown into a message fit for a user: no stack for a UserError. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
