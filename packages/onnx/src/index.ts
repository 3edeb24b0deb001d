export * from './runtime.js';
export * from './signature.js';
export * from './feeds.js';
