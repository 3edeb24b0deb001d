export * from './layout.js';
export * from './layer.js';
export * from './containerfile.js';
export * from './tag.js';
