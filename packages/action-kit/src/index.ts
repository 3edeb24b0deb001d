export * from './log.js';
export * from './run.js';
export * from './inputs.js';
export * from './context.js';
export * from './runtime-cache.js';
