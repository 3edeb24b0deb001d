export type * from './types.js';
export * from './defaults.js';
export { parseGateRule, type RuleParse } from './rules.js';
export { loadConfig, parseConfig, envoySchema } from './load.js';
export * from './select.js';
