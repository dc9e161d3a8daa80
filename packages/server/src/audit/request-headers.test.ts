import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { body, devVault, ROOT, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { entries, tempDir } from './audit-test-kit.js';

const RAW = 'raw-canary-5e1f';
const SECRET = 'hmac-canary-8d2a';
const OTHER = 'unconfigured-canary-77c0';
const BEARER = 'bearer-canary-token-41b9';

describe('audited request headers (sys/config/auditing/request-headers)', () => {
  let vault: Vault;
  let dir: string;
  let file: string;
  before(async () => {
    vault = await devVault();
    dir = await tempDir();
    file = join(dir, 'audit.log');
    await vault.audit.enable('file', { type: 'file', options: { file_path: file } });
  });
  after(async () => {
    await vault.close();
    await rm(dir, { recursive: true, force: true });
  });

  const logged = async (path: string) => (await entries(file)).filter((e) => e.request?.path === path);

  it('configures headers case-insensitively, in Vault’s shapes (data duplicated at the top level)', async () => {
    assert.deepEqual(body(await send(vault, 'read', 'sys/config/auditing/request-headers')).headers, {});
    assert.equal((await send(vault, 'update', 'sys/config/auditing/request-headers/X-Correlation-ID')).status, 204);
    await send(vault, 'update', 'sys/config/auditing/request-headers/x-secret-thing', { body: { hmac: true } });
    const list = body(await send(vault, 'read', 'sys/config/auditing/request-headers'));
    const expected = { 'x-correlation-id': { hmac: false }, 'x-secret-thing': { hmac: true } };
    assert.deepEqual(list.data.headers, expected);
    assert.deepEqual(list.headers, expected);
    const one = body(await send(vault, 'read', 'sys/config/auditing/request-headers/X-Secret-Thing'));
    assert.deepEqual(one.data, { 'X-Secret-Thing': { hmac: true } });
    assert.deepEqual(one['X-Secret-Thing'], { hmac: true });
    const missing = await send(vault, 'read', 'sys/config/auditing/request-headers/x-nothing');
    assert.equal(missing.status, 400);
  });

  it('needs sudo: a non-root token is denied', async () => {
    const created = await send(vault, 'update', 'auth/token/create', { body: { policies: ['dev'] } });
    const token = body(created).auth.client_token as string;
    assert.equal((await send(vault, 'read', 'sys/config/auditing/request-headers', { token })).status, 403);
    assert.equal((await send(vault, 'update', 'sys/config/auditing/request-headers/x-a', { token })).status, 403);
  });

  it('records configured headers in both entries, raw or HMAC’d, and never an unconfigured one', async () => {
    const headers = { 'x-correlation-id': RAW, 'x-secret-thing': SECRET, 'x-other': OTHER };
    assert.equal((await send(vault, 'read', 'secret/data/h1', { headers })).status, 404);
    const [req, res] = await logged('secret/data/h1');
    assert.equal(req!.type, 'request');
    assert.equal(res!.type, 'response');
    for (const e of [req!, res!]) {
      assert.deepEqual(e.request.headers['x-correlation-id'], [RAW]);
      assert.deepEqual(e.request.headers['x-secret-thing'], [vault.audit.hash('file', SECRET)]);
      assert.deepEqual(Object.keys(e.request.headers).sort(), ['x-correlation-id', 'x-secret-thing']);
    }
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(SECRET) && !text.includes(OTHER));
  });

  it('writes no `headers` block when none of the configured headers is present', async () => {
    await send(vault, 'read', 'secret/data/h2', { headers: { 'x-other': OTHER } });
    for (const e of await logged('secret/data/h2')) assert.equal(e.request.headers, undefined);
  });

  it('never writes a token header raw, even when configured with hmac=false', async () => {
    await send(vault, 'update', 'sys/config/auditing/request-headers/X-Vault-Token', { body: { hmac: false } });
    await send(vault, 'update', 'sys/config/auditing/request-headers/authorization', { body: { hmac: false } });
    await send(vault, 'read', 'secret/data/h3', { headers: { 'x-vault-token': ROOT } });
    await send(vault, 'read', 'secret/data/h4', { token: BEARER, headers: { authorization: `Bearer ${BEARER}` } });
    const [withToken] = await logged('secret/data/h3');
    assert.deepEqual(withToken!.request.headers['x-vault-token'], [vault.audit.hash('file', ROOT)]);
    const [withBearer] = await logged('secret/data/h4');
    assert.deepEqual(withBearer!.request.headers['authorization'], [vault.audit.hash('file', `Bearer ${BEARER}`)]);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(ROOT), 'raw root token in the audit log');
    assert.ok(!text.includes(BEARER), 'raw bearer token in the audit log');
  });

  it('stops recording a deleted header, and keeps the configuration across seal and unseal', async () => {
    assert.equal((await send(vault, 'delete', 'sys/config/auditing/request-headers/X-CORRELATION-ID')).status, 204);
    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    const key = Buffer.from(vault.unsealKey!).toString('base64');
    assert.equal((await send(vault, 'update', 'sys/unseal', { token: '', body: { key } })).status, 200);
    const list = body(await send(vault, 'read', 'sys/config/auditing/request-headers')).data.headers;
    assert.deepEqual(Object.keys(list).sort(), ['authorization', 'x-secret-thing', 'x-vault-token']);
    await send(vault, 'read', 'secret/data/h5', { headers: { 'x-correlation-id': RAW, 'x-secret-thing': SECRET } });
    const [req] = await logged('secret/data/h5');
    assert.deepEqual(Object.keys(req!.request.headers), ['x-secret-thing']);
  });
});
