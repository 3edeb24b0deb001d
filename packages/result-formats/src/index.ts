export { RESULT_FORMATS, parseBenchmarkOutput, resultFormatFromName } from './formats.js';
export type { ResultFormat } from './formats.js';
export { directionForUnit } from './direction.js';
export { parseDecimal } from './numbers.js';
