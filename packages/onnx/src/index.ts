export * from './runtime.js';
export * from './signature.js';
