import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from '../audit/audit-broker.js';
import type { Vault } from '../server.js';
import { body, devVault, send } from './pipeline-test-kit.js';

describe('pipeline (in-process, tier 2)', () => {
  let vault: Vault;
  let devToken: string;
  before(async () => {
    vault = await devVault();
    await send(vault, 'update', 'secret/data/app/db', { body: { data: { password: 'p1' } } });
    const created = await send(vault, 'update', 'auth/token/create', { body: { policies: ['dev'], ttl: '1h' } });
    devToken = body(created).auth.client_token;
  });
  after(() => vault.close());

  it('answers with Vault’s envelope', async () => {
    const res = await send(vault, 'read', 'secret/data/app/db');
    assert.equal(res.status, 200);
    const b = body(res);
    assert.match(b.request_id, /^[0-9a-f-]{36}$/);
    assert.equal(b.lease_id, '');
    assert.equal(b.renewable, false);
    assert.equal(b.lease_duration, 0);
    assert.equal(b.wrap_info, null);
    assert.equal(b.warnings, null);
    assert.equal(b.auth, null);
    assert.equal(b.mount_type, 'kv');
    assert.equal(b.data.data.password, 'p1');
  });

  it('answers 204 with no body when there is nothing to say', async () => {
    await send(vault, 'update', 'secret/data/tmp', { body: { data: { a: '1' } } });
    const res = await send(vault, 'delete', 'secret/data/tmp');
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
  });

  it('answers 404 {"errors":[]} for an empty list, and lists with a trailing slash', async () => {
    const empty = await send(vault, 'list', 'secret/metadata/nothing-here');
    assert.equal(empty.status, 404);
    assert.deepEqual(empty.body, { errors: [] });
    const listed = await send(vault, 'list', 'secret/metadata/app');
    assert.deepEqual(body(listed).data.keys, ['db']);
  });

  it('duplicates data at the top level on legacy sys routes', async () => {
    const res = await send(vault, 'read', 'sys/mounts');
    assert.equal(body(res)['secret/'].type, 'kv');
    assert.equal(body(res).data['secret/'].type, 'kv');
    assert.equal(body(res)['sys/'].type, 'system');
  });

  it('refuses a request without a valid token with 403, even for an unknown mount', async () => {
    for (const token of ['', 'nope', 's.AAAAAAAAAAAAAAAAAAAAAAAA']) {
      const known = await send(vault, 'read', 'secret/data/app/db', { token });
      const unknown = await send(vault, 'read', 'no-such-mount/x', { token });
      assert.equal(known.status, 403);
      assert.deepEqual(unknown, known);
    }
    assert.equal((await send(vault, 'read', 'no-such-mount/x')).status, 404);
  });

  it('denies a non-root token everything but its own self paths (deny by default)', async () => {
    const denied = [
      ['read', 'secret/data/app/db'],
      ['update', 'secret/data/app/db'],
      ['list', 'secret/metadata/'],
      ['read', 'sys/mounts'],
      ['update', 'sys/mounts/x'],
      ['update', 'auth/token/create'],
      ['update', 'sys/rotate'],
      ['read', 'no-such-mount/x'],
      ['read', 'secret/no-such-path'],
    ] as const;
    for (const [op, path] of denied) {
      const res = await send(vault, op, path, { token: devToken, body: { data: { x: '1' } } });
      assert.equal(res.status, 403, `${op} ${path}`);
    }
    assert.equal((await send(vault, 'read', 'auth/token/lookup-self', { token: devToken })).status, 200);
    assert.equal((await send(vault, 'update', 'cubbyhole/mine', { token: devToken, body: { v: '1' } })).status, 204);
  });

  it('holds back validation errors until the caller is authorized', async () => {
    const res = await send(vault, 'update', 'secret/data/app/db', { token: devToken, body: { data: 'not-a-map' } });
    assert.equal(res.status, 403);
    const asRoot = await send(vault, 'update', 'secret/data/app/db', { body: { data: 'not-a-map' } });
    assert.equal(asRoot.status, 400);
  });

  it('normalises the path before anything looks at it', async () => {
    for (const path of ['secret/data/../data/app/db', 'secret/./data/app/db', 'secret//data/app/db', 'secret/data/%2e%2e/x', 'secret/data/a%00', 'secret/data/%E2%80%A8', 'secret/data/%C0%AF', '%2Fsecret/data/x']) {
      const res = await send(vault, 'read', path);
      assert.equal(res.status, 400, path);
      assert.equal(body(res).errors.length, 1);
    }
    // an encoded slash is a slash: it names the same secret, and is authorized as such
    const encoded = await send(vault, 'read', 'secret/data/app%2Fdb');
    assert.equal(body(encoded).data.data.password, 'p1');
    assert.equal((await send(vault, 'read', 'secret/data/app%2Fdb', { token: devToken })).status, 403);
  });

  it('keeps each cubbyhole private to its token', async () => {
    await send(vault, 'update', 'cubbyhole/secret', { body: { v: 'root-only' } });
    const other = await send(vault, 'read', 'cubbyhole/secret', { token: devToken });
    assert.equal(other.status, 404);
    assert.equal(body(await send(vault, 'read', 'cubbyhole/secret')).data.v, 'root-only');
  });

  it('wraps any response into a single-use token', async () => {
    const wrapped = await send(vault, 'read', 'secret/data/app/db', { wrapTtl: 60 });
    const b = body(wrapped);
    assert.equal(b.data, null);
    assert.equal(b.wrap_info.ttl, 60);
    assert.equal(b.wrap_info.creation_path, 'secret/data/app/db');
    const unwrapped = await send(vault, 'update', 'sys/wrapping/unwrap', { token: b.wrap_info.token });
    assert.equal(body(unwrapped).data.data.password, 'p1');
    const again = await send(vault, 'update', 'sys/wrapping/unwrap', { token: b.wrap_info.token });
    assert.ok(again.status >= 400);
  });

  it('counts token uses and refuses a used-up token', async () => {
    const created = await send(vault, 'update', 'auth/token/create', { body: { policies: ['dev'], num_uses: 2 } });
    const token = body(created).auth.client_token as string;
    assert.equal((await send(vault, 'read', 'auth/token/lookup-self', { token })).status, 200);
    assert.equal((await send(vault, 'read', 'auth/token/lookup-self', { token })).status, 200);
    assert.equal((await send(vault, 'read', 'auth/token/lookup-self', { token })).status, 403);
  });

  it('serves help from the path declarations', async () => {
    const res = await send(vault, 'read', 'secret/data/app/db', { help: true });
    assert.equal(res.status, 200);
    assert.match(body(res).help, /secret\/data/);
    assert.ok(body(res).openapi.paths['/secret/data/{path}']);
    assert.equal((await send(vault, 'read', 'secret/data/app/db', { help: true, token: 'bad' })).status, 403);
  });

  it('answers 405 for an operation a path does not support', async () => {
    const res = await send(vault, 'patch', 'sys/mounts');
    assert.equal(res.status, 405);
  });

  it('fails closed when no audit device can record the request, and executes nothing', async () => {
    vault.audit.setDevices([{ name: 'broken', log: async () => Promise.reject(new Error('disk full')) }]);
    try {
      const res = await send(vault, 'update', 'secret/data/audit-closed', { body: { data: { a: '1' } } });
      assert.equal(res.status, 500);
    } finally {
      vault.audit.setDevices([]);
    }
    assert.equal((await send(vault, 'read', 'secret/data/audit-closed')).status, 404);
    const seen: AuditEvent[] = [];
    vault.audit.setDevices([
      { name: 'broken', log: async () => Promise.reject(new Error('disk full')) },
      { name: 'ok', log: async (e) => void seen.push(e) },
    ]);
    try {
      const res = await send(vault, 'update', 'secret/data/audit-open', { body: { data: { a: '1' } } });
      assert.equal(res.status, 200);
    } finally {
      vault.audit.setDevices([]);
    }
    assert.deepEqual(seen.map((e) => e.type), ['request', 'response']);
    assert.equal(seen[0]!.path, 'secret/data/audit-open');
  });

  it('answers 503 while sealed, except the lifecycle paths', async () => {
    const rawJson = (res: { raw?: { body: string | Uint8Array } }) => JSON.parse(String(res.raw!.body));
    assert.equal(rawJson(await send(vault, 'read', 'sys/seal-status')).sealed, false);
    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    const res = await send(vault, 'read', 'secret/data/app/db');
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { errors: ['Vault is sealed'] });
    assert.equal((await send(vault, 'read', 'sys/seal-status', { token: '' })).status, 200);
    const health = await send(vault, 'read', 'sys/health', { token: '' });
    assert.equal(health.status, 503);
    const key = vault.unsealKey!;
    const unsealed = await send(vault, 'update', 'sys/unseal', { token: '', body: { key: Buffer.from(key).toString('hex') } });
    assert.equal(rawJson(unsealed).sealed, false);
    assert.equal(body(await send(vault, 'read', 'secret/data/app/db')).data.data.password, 'p1');
  });
});
