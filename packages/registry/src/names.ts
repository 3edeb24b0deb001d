import { UserError, parseVersionNumber } from '@envoy/core';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const HARDWARE_CLASS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_LENGTH = 100;

function checkName(kind: string, value: string): string {
  if (
    typeof value !== 'string' ||
    !NAME_PATTERN.test(value) ||
    value.length > MAX_NAME_LENGTH ||
    value.includes('..')
  ) {
    throw new UserError(
      `${kind} name ${JSON.stringify(value)} is not valid: use lowercase letters, digits, ` +
        `'-', '_' and '.', starting with a letter or digit (at most ${MAX_NAME_LENGTH} characters)`,
    );
  }
  return value;
}

/** Checks a model name; it becomes a folder name, so the rules are strict. */
export function checkModelName(model: string): string {
  return checkName('model', model);
}

/** Checks an alias name such as `production` or `staging`. */
export function checkAliasName(alias: string): string {
  return checkName('alias', alias);
}

/** A hardware class becomes a file name: letters, digits, '-', '_' and '.' only. */
export function checkHardwareClass(hardwareClass: string): string {
  if (
    typeof hardwareClass !== 'string' ||
    !HARDWARE_CLASS_PATTERN.test(hardwareClass) ||
    hardwareClass.includes('..')
  ) {
    throw new UserError(
      `hardware class ${JSON.stringify(hardwareClass)} is not valid: ` +
        `use letters, digits, '-', '_' and '.'`,
    );
  }
  return hardwareClass;
}

/** "2" and 2 name the same version; anything else that is not a positive integer is refused. */
export function checkVersion(model: string, version: number | string): number {
  const parsed = parseVersionNumber(version);
  if (parsed === undefined) {
    throw new UserError(
      `version ${JSON.stringify(version)} of model '${model}' is not valid: ` +
        `versions are positive integers such as 1 or "3"`,
    );
  }
  return parsed;
}
