import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { b64, batchResults, mountTransit, obj, rejectsVault, str } from './test-harness.js';

describe('transit hmac', () => {
  it('answers vault:vN:<base64 mac> made with the version’s HMAC key', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/h', { exportable: true });
    const res = await t.call('update', 'hmac/h', { input: b64('message') });
    assert.deepEqual(res.authz, { action: 'sign', resource: 'transit/h' });
    const hmac = str(res.response?.data, 'hmac');
    const key = Buffer.from(str(obj((await t.send('read', 'export/hmac-key/h/1'))?.data?.['keys']), '1'), 'base64');
    assert.equal(hmac, `vault:v1:${createHmac('sha256', key).update('message').digest('base64')}`);
    const sha512 = str((await t.send('update', 'hmac/h/sha2-512', { input: b64('message') }))?.data, 'hmac');
    assert.equal(sha512, `vault:v1:${createHmac('sha512', key).update('message').digest('base64')}`);
    const sha3 = str((await t.send('update', 'hmac/h', { input: b64('message'), algorithm: 'sha3-256' }))?.data, 'hmac');
    assert.equal(sha3, `vault:v1:${createHmac('sha3-256', key).update('message').digest('base64')}`);
  });

  it('verifies HMACs, rejects wrong ones and respects min_decryption_version', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/h', { type: 'hmac', key_size: 64 });
    assert.equal((await t.send('read', 'keys/h'))?.data?.['key_size'], 64);
    const hmac = str((await t.send('update', 'hmac/h', { input: b64('payload') }))?.data, 'hmac');
    const valid = async (input: string, mac: string, extra: Record<string, unknown> = {}) =>
      (await t.send('update', 'verify/h', { input: b64(input), hmac: mac, ...extra }))?.data?.['valid'];
    assert.equal(await valid('payload', hmac), true);
    assert.equal(await valid('payloaD', hmac), false);
    const tampered = Buffer.from(hmac.slice(9), 'base64');
    tampered[0]! ^= 1;
    assert.equal(await valid('payload', `vault:v1:${tampered.toString('base64')}`), false);
    assert.equal(await valid('payload', `vault:v1:${b64('short')}`), false);
    assert.equal(await valid('payload', hmac, { hash_algorithm: 'sha2-512' }), false);
    await t.send('update', 'keys/h/rotate');
    await t.send('update', 'keys/h/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('update', 'verify/h', { input: b64('payload'), hmac }), 400, /disallowed by policy/);
  });

  it('handles batches and bad input', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/h', {});
    const res = await t.send('update', 'hmac/h', { batch_input: [{ input: b64('a') }, { input: '***' }] });
    assert.equal(res?.status, 400);
    const results = batchResults(res?.data);
    assert.match(str(results[0], 'hmac'), /^vault:v1:/);
    assert.match(str(results[1], 'error'), /base64/);
    await rejectsVault(t.send('update', 'hmac/h', {}), 400, /missing input/);
    await rejectsVault(t.send('update', 'hmac/h/md5', { input: b64('a') }), 400, /hash algorithm/);
    await rejectsVault(t.send('update', 'hmac/missing', { input: b64('a') }), 400, /not found/);
    await rejectsVault(t.send('update', 'keys/bad', { type: 'hmac', key_size: 8 }), 400, /key_size/);
    await rejectsVault(t.send('update', 'keys/bad', { type: 'aes256-gcm96', key_size: 64 }), 400, /key_size/);
  });
});
