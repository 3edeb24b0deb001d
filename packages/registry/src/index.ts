export * from './types.js';
export { computeModelDigest } from './digest.js';
export { checkAliasName, checkModelName, checkVersion } from './names.js';
export { LocalRegistry, type LocalRegistryOptions } from './local.js';
export { GitRegistry, RegistryConflictError, type GitRegistryOptions } from './git.js';
export { openRegistry } from './open.js';
