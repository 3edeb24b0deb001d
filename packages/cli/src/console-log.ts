import { formatLocation, type Log, type SourceLocation } from '@envoy/core';

/** Logs for a terminal: progress on stderr, debug lines only when verbose. */
export class ConsoleLog implements Log {
  private readonly secrets: string[] = [];

  constructor(
    private readonly verbose: boolean,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
  ) {}

  info(message: string): void {
    this.print(message);
  }

  debug(message: string): void {
    if (this.verbose) this.print(`debug: ${message}`);
  }

  warning(message: string, location?: SourceLocation): void {
    this.print(`warning: ${location ? `${formatLocation(location)}: ` : ''}${message}`);
  }

  error(message: string, location?: SourceLocation): void {
    this.print(`error: ${location ? `${formatLocation(location)}: ` : ''}${message}`);
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.print(`▶ ${name}`);
    const started = Date.now();
    const result = await work();
    this.debug(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  }

  mask(secret: string): void {
    if (secret) this.secrets.push(secret);
  }

  private print(message: string): void {
    const redacted = this.secrets.reduce((text, secret) => text.split(secret).join('***'), message);
    this.write(`${redacted}\n`);
  }
}
