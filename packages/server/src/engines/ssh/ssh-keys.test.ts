import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePublicKeyField, publicKeyHash } from './ssh-keys.js';

describe('ssh keys: public_key_hash', () => {
  it('is the lowercase hex SHA-256 of the wire blob the authorized_keys line carries', () => {
    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINbmdnt1FoVj0RMSi48JuWzOFDYg+/cKfLxtEHHD+Tlr bench@secretum';
    // Computed outside Node: `echo AAAAC3…Tlr | base64 -d | sha256sum`.
    const expected = '13592f88e361478e9c502c433ef6d5911e5a1b5c8baee94b359368ebbbd558b2';
    assert.equal(publicKeyHash(parsePublicKeyField('public_key', line)), expected);
  });
});
