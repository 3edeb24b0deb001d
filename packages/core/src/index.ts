export * from './errors.js';
export * from './log.js';
export * from './exec.js';
export * from './files.js';
export * from './model.js';
export * from './hardware.js';
export * from './results.js';
