import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { tokenFor } from './system-test-kit.js';

describe('sys/rotate/config (tier 2)', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
  });
  after(() => vault.close());

  const read = async () => body(await send(vault, 'read', 'sys/rotate/config')).data;
  const write = (payload: Record<string, unknown>) => send(vault, 'update', 'sys/rotate/config', { body: payload });

  it('reads Vault’s defaults: just under 2^32 encryptions, no interval, enabled', async () => {
    assert.deepEqual(await read(), { max_operations: 3865470566, interval: 0, enabled: true });
  });

  it('writes only the fields given, answers 204, and keeps them across a seal', async () => {
    assert.equal((await write({ max_operations: 2000000000, interval: '4320h' })).status, 204);
    assert.deepEqual(await read(), { max_operations: 2000000000, interval: '4320h0m0s', enabled: true });
    assert.equal((await write({ enabled: false })).status, 204);
    assert.deepEqual(await read(), { max_operations: 2000000000, interval: '4320h0m0s', enabled: false });
    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    await send(vault, 'update', 'sys/unseal', { token: '', body: { key: Buffer.from(vault.unsealKey!).toString('base64') } });
    assert.deepEqual(await read(), { max_operations: 2000000000, interval: '4320h0m0s', enabled: false });
    assert.equal((await write({ max_operations: 3865470566, interval: 0, enabled: true })).status, 204);
    assert.deepEqual(await read(), { max_operations: 3865470566, interval: 0, enabled: true });
  });

  it('refuses out-of-range values with Vault’s 400s and changes nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ max_operations: 999_999 }, /max_operations must be in the range \[1000000,3865470566\]/],
      [{ max_operations: 3865470567 }, /max_operations must be in the range/],
      [{ interval: '23h' }, /interval must be greater or equal to 24h0m0s/],
      [{ interval: 'soon' }, /interval/],
      [{ enabled: 'perhaps' }, /enabled/],
    ];
    for (const [payload, message] of cases) {
      const res = await write(payload);
      assert.equal(res.status, 400, JSON.stringify(payload));
      assert.match(body(res).errors[0], message);
    }
    assert.equal((await write({ interval: '24h' })).status, 204);
    assert.equal((await read()).interval, '24h0m0s');
    await write({ interval: 0 });
  });

  it('Cedar: `read` to read, `configure` to write', async () => {
    const plain = await tokenFor(vault, 'nobody');
    assert.equal((await send(vault, 'read', 'sys/rotate/config', { token: plain })).status, 403);
    assert.equal((await send(vault, 'update', 'sys/rotate/config', { token: plain, body: { enabled: true } })).status, 403);
    const reader = await tokenFor(vault, 'rot-reader', 'permit(principal in Role::"rot-reader", action == Action::"read", resource == Secret::"sys/rotate/config");');
    assert.equal((await send(vault, 'read', 'sys/rotate/config', { token: reader })).status, 200);
    assert.equal((await send(vault, 'update', 'sys/rotate/config', { token: reader, body: { enabled: true } })).status, 403);
    const admin = await tokenFor(vault, 'rot-admin', 'permit(principal in Role::"rot-admin", action == Action::"configure", resource == Secret::"sys/rotate/config");');
    assert.equal((await send(vault, 'update', 'sys/rotate/config', { token: admin, body: { enabled: true } })).status, 204);
  });
});
