export * from './context.js';
export * from './tags.js';
export * from './client.js';
export * from './comments.js';
export * from './checks.js';
export * from './deployments.js';
export * from './limits.js';
