export { readAgeIdentities } from './age-identities.js';
export { decryptSops, type DecryptSopsOptions } from './decrypt-sops.js';
export type { SopsFormat } from './detect-format.js';
export * from './errors.js';
export { flattenSecrets, pathSegment, type FlatSecret } from './flatten-secrets.js';
export type { SopsScalar, SopsTree, SopsValue } from './tree-node.js';
