import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { tokenFor } from './system-test-kit.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('sys/tools (tier 2)', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
  });
  after(() => vault.close());

  it('random: 32 base64 bytes by default; size, source and format in the body or the path', async () => {
    const res = await send(vault, 'update', 'sys/tools/random');
    assert.equal(res.status, 200);
    assert.equal(Buffer.from(body(res).data.random_bytes, 'base64').length, 32);
    assert.match(body(await send(vault, 'update', 'sys/tools/random', { body: { bytes: 8, format: 'hex' } })).data.random_bytes, /^[0-9a-f]{16}$/);
    assert.equal(Buffer.from(body(await send(vault, 'update', 'sys/tools/random/164')).data.random_bytes, 'base64').length, 164);
    const platform = await send(vault, 'update', 'sys/tools/random/platform/12', { body: { format: 'hex' } });
    assert.match(body(platform).data.random_bytes, /^[0-9a-f]{24}$/);
    assert.equal(body(platform).warnings, null);
    // No seal entropy here: Vault's warning, platform bytes.
    const seal = await send(vault, 'update', 'sys/tools/random/seal', { body: { bytes: 4 } });
    assert.equal(Buffer.from(body(seal).data.random_bytes, 'base64').length, 4);
    assert.equal(body(seal).warnings.length, 1);
  });

  it('random: 400 for bad sizes, sources and formats (cap 128 KiB, as Vault)', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['sys/tools/random', { bytes: 0 }, /less than 1/],
      ['sys/tools/random', { bytes: 128 * 1024 + 1 }, /should be less than 131072/],
      ['sys/tools/random/moon/8', {}, /entropy source/],
      ['sys/tools/random/twelve', {}, /byte count/],
      ['sys/tools/random', { format: 'base32' }, /encoding format/],
    ];
    for (const [path, payload, message] of cases) {
      const res = await send(vault, 'update', path, { body: payload });
      assert.equal(res.status, 400, path);
      assert.match(body(res).errors[0], message);
    }
    assert.equal((await send(vault, 'update', 'sys/tools/random', { body: { bytes: 128 * 1024 } })).status, 200);
  });

  it('hash: sha2-256 hex by default; every SHA-2 and SHA-3 size, in the body or the path', async () => {
    const res = await send(vault, 'update', 'sys/tools/hash', { body: { input: b64('abc') } });
    assert.equal(body(res).data.sum, createHash('sha256').update('abc').digest('hex'));
    for (const [name, node] of [['sha2-224', 'sha224'], ['sha2-384', 'sha384'], ['sha2-512', 'sha512'], ['sha3-224', 'sha3-224'], ['sha3-256', 'sha3-256'], ['sha3-384', 'sha3-384'], ['sha3-512', 'sha3-512']]) {
      const viaPath = await send(vault, 'update', `sys/tools/hash/${name}`, { body: { input: b64('abc'), format: 'base64' } });
      assert.equal(body(viaPath).data.sum, createHash(node!).update('abc').digest('base64'), name);
    }
    const viaBody = await send(vault, 'update', 'sys/tools/hash', { body: { input: b64('abc'), algorithm: 'sha3-512' } });
    assert.equal(body(viaBody).data.sum, createHash('sha3-512').update('abc').digest('hex'));
  });

  it('hash: 400 for missing or bad input, an unknown algorithm or format', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['sys/tools/hash', {}, /input/],
      ['sys/tools/hash', { input: 'not base64!' }, /base64/],
      ['sys/tools/hash/md5', { input: b64('a') }, /hash algorithm/],
      ['sys/tools/hash', { input: b64('a'), format: 'raw' }, /encoding format/],
    ];
    for (const [path, payload, message] of cases) {
      const res = await send(vault, 'update', path, { body: payload });
      assert.equal(res.status, 400, path);
      assert.match(body(res).errors[0], message);
    }
  });

  it('answers POST/PUT only, as Vault', async () => {
    assert.equal((await send(vault, 'read', 'sys/tools/random')).status, 405);
    // Field validation runs before the operation check (framework), so `input` is given here.
    assert.equal((await send(vault, 'read', 'sys/tools/hash', { query: { input: b64('a') } })).status, 405);
  });

  it('Cedar: `update` on the path; the default policy allows hash but not random', async () => {
    const plain = await tokenFor(vault, 'nothing');
    assert.equal((await send(vault, 'update', 'sys/tools/hash/sha2-512', { token: plain, body: { input: b64('a') } })).status, 200);
    assert.equal((await send(vault, 'update', 'sys/tools/random', { token: plain })).status, 403);
    const rng = await tokenFor(vault, 'rng', 'permit(principal in Role::"rng", action == Action::"update", resource in Secret::"sys/tools/random/platform");');
    assert.equal((await send(vault, 'update', 'sys/tools/random/platform/16', { token: rng })).status, 200);
    assert.equal((await send(vault, 'update', 'sys/tools/random/seal/16', { token: rng })).status, 403);
    const bare = body(await send(vault, 'update', 'auth/token/create', { body: { policies: ['nothing'], no_default_policy: true } })).auth.client_token;
    assert.equal((await send(vault, 'update', 'sys/tools/hash', { token: bare, body: { input: b64('a') } })).status, 403);
  });
});
