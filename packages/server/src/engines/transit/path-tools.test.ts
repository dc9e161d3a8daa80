import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { b64, mountTransit, rejectsVault, str } from './test-harness.js';

describe('transit random', () => {
  it('returns 32 base64 bytes by default, and honours bytes and format in body and path', async () => {
    const t = await mountTransit();
    const res = await t.call('update', 'random', {});
    assert.deepEqual(res.authz, { action: 'read', resource: 'transit' });
    assert.equal(Buffer.from(str(res.response?.data, 'random_bytes'), 'base64').length, 32);
    assert.match(str((await t.send('update', 'random', { bytes: 10, format: 'hex' }))?.data, 'random_bytes'), /^[0-9a-f]{20}$/);
    assert.equal(Buffer.from(str((await t.send('update', 'random/48'))?.data, 'random_bytes'), 'base64').length, 48);
    const viaSource = await t.send('update', 'random/platform/16', { format: 'hex' });
    assert.match(str(viaSource?.data, 'random_bytes'), /^[0-9a-f]{32}$/);
    const seal = await t.send('update', 'random/seal/8');
    assert.equal(seal?.warnings?.length, 1);
    const a = str((await t.send('update', 'random'))?.data, 'random_bytes');
    const b = str((await t.send('update', 'random'))?.data, 'random_bytes');
    assert.notEqual(a, b);
  });

  it('rejects bad sizes, sources and formats', async () => {
    const t = await mountTransit();
    await rejectsVault(t.send('update', 'random', { bytes: 0 }), 400, /less than 1/);
    await rejectsVault(t.send('update', 'random', { bytes: 128 * 1024 + 1 }), 400, /should be less than/);
    await rejectsVault(t.send('update', 'random/abc'), 400, /byte count/);
    await rejectsVault(t.send('update', 'random/moon/8'), 400, /entropy source/);
    await rejectsVault(t.send('update', 'random', { format: 'base32' }), 400, /encoding format/);
  });
});

describe('transit hash', () => {
  it('hashes with known vectors in hex and base64', async () => {
    const t = await mountTransit();
    const res = await t.call('update', 'hash', { input: b64('abc') });
    assert.deepEqual(res.authz, { action: 'read', resource: 'transit' });
    // FIPS 180-2 / FIPS 202 test vectors for "abc".
    assert.equal(str(res.response?.data, 'sum'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const sha3 = await t.send('update', 'hash/sha3-256', { input: b64('abc') });
    assert.equal(str(sha3?.data, 'sum'), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
    const base64 = await t.send('update', 'hash', { input: b64('abc'), algorithm: 'sha2-512', format: 'base64' });
    assert.equal(Buffer.from(str(base64?.data, 'sum'), 'base64').length, 64);
  });

  it('rejects bad input', async () => {
    const t = await mountTransit();
    await rejectsVault(t.send('update', 'hash', {}), 400, /input/);
    await rejectsVault(t.send('update', 'hash', { input: 'a' }), 400, /base64/);
    await rejectsVault(t.send('update', 'hash/md5', { input: b64('a') }), 400, /hash algorithm/);
    await rejectsVault(t.send('update', 'hash', { input: b64('a'), format: 'raw' }), 400, /encoding format/);
  });
});
