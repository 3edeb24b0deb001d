const SIGNIFICANT_DIGITS = 4;

/**
 * A number for people: `∞`, `−∞`, `NaN`; integers whole (`12345`); others to about four
 * significant digits without trailing zeros (`4.2`, `0.0123`, `1235`); exponents for the
 * very small or very large (`1.23e-7`, `4.5e+21`).
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e15 || size < 1e-4) return trimZeros(value.toExponential(2));
  if (Number.isInteger(value)) return String(value);
  const wholeDigits = Math.max(1, Math.floor(Math.log10(size)) + 1);
  const decimals = size >= 1 ? Math.max(0, SIGNIFICANT_DIGITS - wholeDigits) : undefined;
  const text =
    decimals === undefined ? value.toPrecision(SIGNIFICANT_DIGITS) : value.toFixed(decimals);
  return trimZeros(text);
}

function trimZeros(text: string): string {
  return text.replace(/(\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');
}
