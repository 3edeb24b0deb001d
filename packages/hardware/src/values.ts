/** What vendor tools print when they have no value for a field. */
const NO_VALUE = /^\[?(n\/a|not supported|not available|unknown|unknown error|none|-)\]?$/i;

/** A trimmed text value, or undefined for blanks and the tools' "[N/A]"-style markers. */
export function readText(raw: unknown): string | undefined {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '' || NO_VALUE.test(text)) return undefined;
  return text;
}

/**
 * A number from a tool's output: accepts numbers and numeric text with padding, thousands
 * separators ("15,360") and a trailing unit ("81559 MiB", "70.12 W"). Anything else is undefined.
 */
export function readNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const text = readText(raw);
  if (text === undefined) return undefined;
  const match = /^(-?\d{1,3}(?:,\d{3})+|-?\d+)(\.\d+)?(?:\s*[a-z%/]+)?$/i.exec(text);
  if (!match) return undefined;
  return Number(match[1]!.replaceAll(',', '') + (match[2] ?? ''));
}

const MIB_PER_UNIT: Record<string, number> = {
  b: 1 / 1024 / 1024,
  kb: 1 / 1024,
  kib: 1 / 1024,
  mb: 1,
  mib: 1,
  gb: 1024,
  gib: 1024,
};

/**
 * Converts a memory size to MiB. Vendor tools write "MB" and "GB" for binary units
 * (amd-smi's 196592 MB on a 192 GiB MI300X), so they count as MiB and GiB here.
 */
export function toMiB(value: number | undefined, unit: string): number | undefined {
  const factor = MIB_PER_UNIT[unit.trim().toLowerCase()];
  if (value === undefined || factor === undefined) return undefined;
  return Math.round(value * factor);
}

/** Reads "65520 MB" or amd-smi's `{ "value": 196592, "unit": "MB" }` as MiB. */
export function readMemoryMiB(raw: unknown): number | undefined {
  if (isRecord(raw)) return toMiB(readNumber(raw['value']), String(raw['unit'] ?? ''));
  const text = readText(raw);
  const unit = text === undefined ? undefined : /([a-z]+)$/i.exec(text)?.[1];
  return unit === undefined ? undefined : toMiB(readNumber(text), unit);
}

/** Reads a `{ value, unit }` pair or a plain number, ignoring the unit. */
export function readMeasurement(raw: unknown): number | undefined {
  return isRecord(raw) ? readNumber(raw['value']) : readNumber(raw);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a path of keys through nested objects. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Parses JSON, naming the tool in the error when the text is not JSON. */
export function parseToolJson(text: string, tool: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const start = text.trim().slice(0, 60);
    throw new Error(
      `${tool} did not print JSON (${(error as Error).message}); it began "${start}"`,
      { cause: error },
    );
  }
}
