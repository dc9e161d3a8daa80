import { invalidRequest } from '../errors.js';

/**
 * Vault's hash algorithm names and Node's names for them: the set `transit/hash`,
 * `sys/tools/hash`, HMACs and signatures accept
 * (https://developer.hashicorp.com/vault/api-docs/system/tools#hash-data).
 */
export const HASHES: Readonly<Record<string, string>> = {
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

/** The Node hash for a Vault algorithm name, or 400. */
export function nodeHash(algorithm: string, table: Readonly<Record<string, string>> = HASHES): string {
  const hash = table[algorithm];
  if (hash === undefined) throw invalidRequest(`invalid hash algorithm \`${algorithm}\``);
  return hash;
}
