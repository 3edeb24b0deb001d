export * from './server.js';
export * from './arguments.js';
export * from './deploy.js';
export * from './smoke.js';
export * from './tensors.js';
export { BadInferenceRequest, checkInferenceRequest } from './request.js';
