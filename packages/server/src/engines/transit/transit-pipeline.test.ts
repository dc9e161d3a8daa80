import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';

describe('transit engine through the pipeline', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/mounts/transit', { body: { type: 'transit' } })).status, 204);
  });
  after(() => vault.close());

  it('encrypts, rotates, decrypts and rewraps with Vault’s ciphertext form', async () => {
    const created = await send(vault, 'update', 'transit/keys/app');
    assert.equal(created.status, 200);
    assert.equal(body(created).data.type, 'aes256-gcm96');
    const plaintext = Buffer.from('the data key of the payroll table').toString('base64');
    const v1 = body(await send(vault, 'update', 'transit/encrypt/app', { body: { plaintext } })).data.ciphertext as string;
    assert.match(v1, /^vault:v1:[A-Za-z0-9+/=]+$/);
    await send(vault, 'update', 'transit/keys/app/rotate');
    const decrypted = body(await send(vault, 'update', 'transit/decrypt/app', { body: { ciphertext: v1 } }));
    assert.equal(decrypted.data.plaintext, plaintext);
    const rewrapped = body(await send(vault, 'update', 'transit/rewrap/app', { body: { ciphertext: v1 } })).data.ciphertext;
    assert.match(rewrapped, /^vault:v2:/);
    const key = body(await send(vault, 'read', 'transit/keys/app'));
    assert.equal(key.data.latest_version, 2);
    assert.equal((await send(vault, 'update', 'transit/decrypt/app', { token: 'nope', body: { ciphertext: v1 } })).status, 403);
  });
});
