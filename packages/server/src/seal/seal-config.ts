import { invalidRequest } from '../errors.js';

/**
 * How the unseal key is split: `secret_shares` shares, any `secret_threshold` of which rebuild
 * it. Stored in clear at `core/seal-config`, because `sys/seal-status` reports `t` and `n`
 * while the vault is sealed; it reveals nothing that helps an attacker.
 */
export interface SealConfig {
  secret_shares: number;
  secret_threshold: number;
  /** Reserved for a persisted operation nonce; unseal progress itself is kept in memory. */
  nonce?: string;
}

/**
 * Checks a requested split with Vault's rules and messages (`sys/init`, `sys/rekey/init`):
 * 1–255 shares, 1 ≤ threshold ≤ shares, and a threshold of 1 only for a single share (with
 * several shares, a threshold of 1 would just hand out copies of the key).
 */
export function validateSealConfig(request: { secret_shares: unknown; secret_threshold: unknown }): SealConfig {
  const shares = request.secret_shares;
  const threshold = request.secret_threshold;
  const fail = (reason: string) => invalidRequest(`invalid seal configuration: ${reason}`);
  if (typeof shares !== 'number' || !Number.isInteger(shares)) throw fail('shares must be an integer');
  if (typeof threshold !== 'number' || !Number.isInteger(threshold)) throw fail('threshold must be an integer');
  if (shares < 1) throw fail('shares must be at least one');
  if (threshold < 1) throw fail('threshold must be at least one');
  if (shares > 1 && threshold === 1) throw fail('threshold must be greater than one for multiple shares');
  if (shares > 255) throw fail('shares must be less than 256');
  if (threshold > 255) throw fail('threshold must be less than 256');
  if (threshold > shares) throw fail('threshold cannot be larger than shares');
  return { secret_shares: shares, secret_threshold: threshold };
}

/** Parses the stored config, tolerating only what {@link validateSealConfig} would accept. */
export function parseSealConfig(bytes: Uint8Array): SealConfig {
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const config = validateSealConfig({
    secret_shares: parsed['secret_shares'],
    secret_threshold: parsed['secret_threshold'],
  });
  return typeof parsed['nonce'] === 'string' ? { ...config, nonce: parsed['nonce'] } : config;
}

/** The stored form: plaintext JSON. */
export const encodeSealConfig = (config: SealConfig): Uint8Array => new TextEncoder().encode(JSON.stringify(config));
