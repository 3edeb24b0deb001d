import type { SourceLocation } from './errors.js';

/**
 * The logging seam. Actions log through @actions/core, the command line through the
 * terminal; logic takes a `Log` as a parameter and never writes to stdout itself.
 */
export interface Log {
  info(message: string): void;
  debug(message: string): void;
  /** A problem the user should see; with a location it becomes a file annotation. */
  warning(message: string, location?: SourceLocation): void;
  error(message: string, location?: SourceLocation): void;
  /** Runs `work` inside a collapsible group named `name`. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Hides a secret in everything logged from now on. */
  mask(secret: string): void;
}

/** A log that records everything, for tests and for quiet library use. */
export class MemoryLog implements Log {
  readonly lines: string[] = [];
  private readonly secrets: string[] = [];

  info(message: string): void {
    this.lines.push(`info: ${this.redact(message)}`);
  }

  debug(message: string): void {
    this.lines.push(`debug: ${this.redact(message)}`);
  }

  warning(message: string): void {
    this.lines.push(`warning: ${this.redact(message)}`);
  }

  error(message: string): void {
    this.lines.push(`error: ${this.redact(message)}`);
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`);
    try {
      return await work();
    } finally {
      this.lines.push(`endgroup: ${name}`);
    }
  }

  mask(secret: string): void {
    if (secret) this.secrets.push(secret);
  }

  private redact(message: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), message);
  }
}
