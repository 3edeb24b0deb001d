import * as core from '@actions/core';
import { UserError } from '@envoy/core';

/** An optional input: undefined when empty. */
export function optionalInput(name: string): string | undefined {
  return core.getInput(name).trim() || undefined;
}

/** A required input, checked here because the runner does not enforce `required`. */
export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) throw new UserError(`input "${name}" is required (e.g. ${name}: ...)`);
  return value;
}

/** A yes/no input with a default, accepting the YAML 1.2 core booleans. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new UserError(`input "${name}" must be true or false, got "${value}"`);
}

/** A list given one item per line or separated by commas. */
export function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** One of a fixed set of values. */
export function choiceInput<T extends string>(name: string, choices: readonly T[]): T | undefined {
  const value = optionalInput(name);
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`input "${name}" must be one of ${choices.join(', ')}, got "${value}"`);
}
