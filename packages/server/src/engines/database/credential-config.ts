import { invalidRequest } from '../../errors.js';
import type { FieldSpec } from '../../framework/fields.js';

/**
 * `credential_config` on roles and static roles. With `credential_type` `password` (the only
 * type here) Vault keeps one key, `password_policy`: a named policy that overrides the
 * connection's `password_policy` for that role
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#credential_config).
 *
 * Like Vault's `TypeKVPairs` it is an object of strings or a list of `key=value` strings (what
 * `vault write … credential_config=password_policy=strong` sends). Vault drops keys it does not
 * know; here they are refused, so a misspelt key cannot quietly leave the default policy on.
 */
export const credentialConfigField: FieldSpec = {
  type: 'any',
  description: 'For `password` credentials: `{"password_policy": "<name>"}`, overriding the connection\'s policy.',
};

/** The role's password policy from a written `credential_config`, or undefined when none was given. */
export function passwordPolicyFrom(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const pairs = toPairs(raw);
  for (const key of Object.keys(pairs)) {
    if (key !== 'password_policy') {
      throw invalidRequest(`credential_config validation failed: unknown key \`${key}\`: credential type \`password\` takes \`password_policy\``);
    }
  }
  return pairs['password_policy'] ?? '';
}

/** Vault's read shape: `credential_config` only when something is set. */
export const credentialConfigResponse = (passwordPolicy: string | undefined) =>
  passwordPolicy ? { credential_config: { password_policy: passwordPolicy } } : {};

function toPairs(raw: unknown): Record<string, string> {
  const bad = () => invalidRequest('field `credential_config` has an invalid value: expected an object of strings or `key=value` strings');
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const entries = Object.entries(raw as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string')) throw bad();
    return Object.fromEntries(entries) as Record<string, string>;
  }
  if (raw === '') return {};
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.includes('='))) throw bad();
  return Object.fromEntries((list as string[]).map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]));
}
