/** What Envoy's own JSON format and gate rules accept as a metric name. */
export const METRIC_NAME = /^[A-Za-z_][\w.@=-]*$/;

/**
 * Turns a tool's label into a snake_case metric name part: lower case, `µ` as `u`, `%` as
 * `pct`, `w/o` as `without`, `w/` as `with`, and every other run of characters outside
 * a-z and 0-9 as one `_` (none at either end).
 */
export function snakeCase(label: string): string {
  return label
    .toLowerCase()
    .replace(/[µμ]/g, 'u')
    .replace(/%/g, ' pct ')
    .replace(/\bw\/o\b/g, ' without ')
    .replace(/\bw\//g, ' with ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Joins name parts with `_`, skipping empty ones. */
export function joinName(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('_');
}
