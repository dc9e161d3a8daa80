import type sshpk from 'sshpk';
import { invalidRequest } from '../../errors.js';
import { isPlainObject } from '../../framework/fields.js';

/**
 * A role's `allowed_user_key_lengths`: key type → allowed sizes
 * (https://developer.hashicorp.com/vault/api-docs/secret/ssh#allowed_user_key_lengths).
 * Keys are short names (`rsa`, `ec`/`ecdsa`, `ed25519`) or OpenSSH names (`ssh-rsa`,
 * `ecdsa-sha2-nistp256`, `ssh-ed25519`). For names that fix the size (a named curve, Ed25519)
 * the listed sizes are ignored. An empty map allows every key.
 */
export type KeyLengths = Record<string, number[]>;

const KNOWN = new Set([
  'rsa',
  'ssh-rsa',
  'ec',
  'ecdsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ed25519',
  'ssh-ed25519',
]);

/** Validates the request map: values are an int, a list of ints, or a comma list. */
export function parseKeyLengths(raw: Record<string, unknown>): KeyLengths {
  const out: KeyLengths = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!KNOWN.has(name)) throw invalidRequest(`\`allowed_user_key_lengths\` names an unknown key type \`${name}\``);
    const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
    out[name] = list.map((v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < 0 || isPlainObject(v)) {
        throw invalidRequest(`\`allowed_user_key_lengths\` for \`${name}\` must be sizes in bits`);
      }
      return n;
    });
  }
  return out;
}

/** Throws a 400 when `key` is not allowed by `lengths`. */
export function checkKeyLength(lengths: KeyLengths, key: sshpk.Key): void {
  if (Object.keys(lengths).length === 0) return;
  const names =
    key.type === 'rsa'
      ? ['rsa', 'ssh-rsa']
      : key.type === 'ed25519'
        ? ['ed25519', 'ssh-ed25519']
        : key.type === 'ecdsa'
          ? ['ec', 'ecdsa', `ecdsa-sha2-${key.curve ?? ''}`]
          : [];
  const present = names.filter((n) => lengths[n] !== undefined);
  if (present.length === 0) throw invalidRequest(`key of type \`${shortName(key)}\` is not allowed by role`);
  const sizeMatters = (n: string) => n === 'rsa' || n === 'ssh-rsa' || n === 'ec' || n === 'ecdsa';
  const pass = present.some((n) => !sizeMatters(n) || (lengths[n] ?? []).includes(key.size));
  if (!pass) throw invalidRequest(`key is of an invalid size: ${key.size}`);
}

const shortName = (key: sshpk.Key): string => (key.type === 'ecdsa' ? 'ec' : key.type);
