import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { tokenFor } from '../system/system-test-kit.js';
import { STANDARD_ALLOWED_HEADERS } from './cors-settings.js';

describe('sys/config/cors through the pipeline (tier 2)', () => {
  let vault: Vault;
  before(async () => (vault = await devVault()));
  after(() => vault.close());

  it('reads disabled by default, with `data` duplicated at the top level (trap 6)', async () => {
    const res = await send(vault, 'read', 'sys/config/cors');
    assert.equal(res.status, 200);
    assert.deepEqual(body(res).data, { enabled: false });
    assert.equal(body(res).enabled, false);
    assert.equal(vault.cors.enabled, false);
  });

  it('enables with a comma-separated string, appending headers to the standard ones', async () => {
    const put = await send(vault, 'update', 'sys/config/cors', {
      body: { allowed_origins: 'https://a.example, https://b.example', allowed_headers: 'X-Custom-Header' },
    });
    assert.equal(put.status, 204, JSON.stringify(put.body));
    const got = body(await send(vault, 'read', 'sys/config/cors'));
    assert.deepEqual(got.data, {
      enabled: true,
      allowed_origins: ['https://a.example', 'https://b.example'],
      allowed_headers: [...STANDARD_ALLOWED_HEADERS, 'X-Custom-Header'],
    });
    assert.deepEqual(got.allowed_origins, got.data.allowed_origins);
    assert.ok(vault.cors.enabled && vault.cors.allows('https://b.example') && !vault.cors.allows('https://c.example'));
  });

  it('accepts `*` alone, as a string or a list', async () => {
    assert.equal((await send(vault, 'update', 'sys/config/cors', { body: { allowed_origins: ['*'] } })).status, 204);
    assert.ok(vault.cors.allows('https://anything.example'));
  });

  it('refuses no origins and `*` beside others with 400, keeping the previous configuration', async () => {
    const none = await send(vault, 'update', 'sys/config/cors', { body: {} });
    assert.equal(none.status, 400);
    assert.deepEqual(body(none).errors, ['at least one origin or the wildcard must be provided']);
    const mixed = await send(vault, 'update', 'sys/config/cors', { body: { allowed_origins: '*,https://a.example' } });
    assert.equal(mixed.status, 400);
    assert.ok(vault.cors.enabled);
  });

  it('survives seal and unseal (stored in the barrier), and DELETE disables', async () => {
    assert.equal((await send(vault, 'update', 'sys/config/cors', { body: { allowed_origins: 'https://a.example' } })).status, 204);
    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    assert.equal(vault.cors.enabled, false);
    const key = Buffer.from(vault.unsealKey!).toString('hex');
    assert.equal((await send(vault, 'update', 'sys/unseal', { token: '', body: { key } })).status, 200);
    assert.deepEqual(body(await send(vault, 'read', 'sys/config/cors')).data.allowed_origins, ['https://a.example']);
    assert.ok(vault.cors.allows('https://a.example'));
    assert.equal((await send(vault, 'delete', 'sys/config/cors')).status, 204);
    assert.equal(vault.cors.enabled, false);
    assert.deepEqual(body(await send(vault, 'read', 'sys/config/cors')).data, { enabled: false });
  });

  it('needs sudo on sys/config/cors, as Vault does', async () => {
    const token = await tokenFor(vault, 'reader', 'permit (principal in Role::"reader", action == Action::"read", resource);');
    assert.equal((await send(vault, 'read', 'sys/config/cors', { token })).status, 403);
  });
});
