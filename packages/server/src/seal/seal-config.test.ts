import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { encodeSealConfig, parseSealConfig, validateSealConfig } from './seal-config.js';

describe('validateSealConfig', () => {
  const check = (secret_shares: unknown, secret_threshold: unknown) => () =>
    validateSealConfig({ secret_shares, secret_threshold });
  const rejects = (message: RegExp) => (err: unknown) =>
    err instanceof VaultError && err.status === 400 && message.test(err.message);

  it('accepts Vault-valid splits', () => {
    assert.deepEqual(check(5, 3)(), { secret_shares: 5, secret_threshold: 3 });
    assert.deepEqual(check(1, 1)(), { secret_shares: 1, secret_threshold: 1 });
    assert.deepEqual(check(255, 255)(), { secret_shares: 255, secret_threshold: 255 });
  });

  it('rejects invalid splits with Vault-style messages', () => {
    assert.throws(check(0, 1), rejects(/shares must be at least one/));
    assert.throws(check(3, 0), rejects(/threshold must be at least one/));
    assert.throws(check(5, 1), rejects(/threshold must be greater than one for multiple shares/));
    assert.throws(check(256, 3), rejects(/shares must be less than 256/));
    assert.throws(check(3, 4), rejects(/threshold cannot be larger than shares/));
    assert.throws(check('5', 3), rejects(/shares must be an integer/));
    assert.throws(check(5, 2.5), rejects(/threshold must be an integer/));
  });

  it('round-trips the stored form', () => {
    assert.deepEqual(parseSealConfig(encodeSealConfig({ secret_shares: 5, secret_threshold: 3 })), {
      secret_shares: 5,
      secret_threshold: 3,
    });
  });
});
