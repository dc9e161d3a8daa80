import { randomInt } from 'node:crypto';

/**
 * Vault's built-in password policy, used when a config names none
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies): 20 characters from
 * upper- and lowercase letters, digits and `-`, with at least one of each class.
 *
 * Named policies live in Vault's `sys/policies/password`, which this server does not offer yet,
 * so a config that names one is refused (see `path-config.ts`).
 */
const CLASSES = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', '-'] as const;
const CHARSET = CLASSES.join('');
const LENGTH = 20;

export function generatePassword(): string {
  // Rejection sampling, as Vault's generator does: uniform over all passwords that satisfy the rules.
  for (;;) {
    let out = '';
    for (let i = 0; i < LENGTH; i++) out += CHARSET[randomInt(CHARSET.length)];
    if (CLASSES.every((cls) => [...out].some((ch) => cls.includes(ch)))) return out;
  }
}
