const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?(e[+-]?\d+)?$/i;

/**
 * Reads a decimal number as benchmark tools print it: `12`, `-0.5`, `1.2e-3`, or with
 * thousands separators, `1,234.5`. Anything else (including `NaN`, `inf`, `1,23`) is
 * undefined, so the caller can report the bad value.
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (PLAIN.test(trimmed)) return Number(trimmed);
  if (GROUPED.test(trimmed)) return Number(trimmed.replaceAll(',', ''));
  return undefined;
}
