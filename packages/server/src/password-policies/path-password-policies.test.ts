import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../audit/audit-test-kit.js';
import { cedarDevVault, type CedarVault } from '../authz/cedar-test-vault.js';
import type { EngineFactory } from '../framework/engine.js';
import { mountEngine, rejectsVault, type EngineHarness } from '../framework/engine-harness.js';
import { body, send } from '../pipeline/pipeline-test-kit.js';
import { decodeJson } from '../storage/storage-view.js';
import { passwordPolicyPaths } from './path-password-policies.js';

const POLICY = `length = 30
rule "charset" {
  charset = "abcdefghijklmnopqrstuvwxyz"
}
rule "charset" {
  charset = "0123456789"
  min-chars = 5
}
`;
const matches = (pw: unknown) => typeof pw === 'string' && /^[a-z0-9]{30}$/.test(pw) && pw.replace(/\D/g, '').length >= 5;

const sysEngine: EngineFactory = async () => ({ kind: 'secrets', paths: passwordPolicyPaths() });

describe('sys/policies/password (tier 1)', () => {
  let sys: EngineHarness;
  before(async () => {
    sys = await mountEngine(sysEngine, { path: 'sys/', type: 'system' });
  });

  it('stores the document as written under password_policy/<name>, as Vault\'s {policy}', async () => {
    assert.equal(await sys.send('update', 'policies/password/app', { policy: POLICY }), undefined);
    const keys = [...sys.store.entries.keys()].filter((k) => k.includes('password_policy/'));
    assert.deepEqual(keys.map((k) => k.slice(k.indexOf('password_policy/'))), ['password_policy/app']);
    assert.deepEqual(decodeJson(sys.store.entries.get(keys[0]!)!), { policy: POLICY });
    assert.deepEqual((await sys.send('read', 'policies/password/app'))?.data, { policy: POLICY });
  });

  it('declares Cedar targets: the policy as resource, generate apart from read', async () => {
    const target = async (op: 'read' | 'update' | 'delete' | 'list', path: string, raw = {}) => (await sys.call(op, path, raw)).authz;
    assert.deepEqual(await target('list', 'policies/password'), { action: 'list', resource: 'sys/policies/password' });
    assert.deepEqual(await target('read', 'policies/password/app'), { action: 'read', resource: 'sys/policies/password/app' });
    assert.deepEqual(await target('read', 'policies/password/app/generate'), { action: 'generate', resource: 'sys/policies/password/app' });
    assert.deepEqual(await target('update', 'policies/password/app', { policy: POLICY }), { action: 'update', resource: 'sys/policies/password/app' });
    assert.deepEqual(await target('update', 'policies/password/new', { policy: POLICY }), { action: 'create', resource: 'sys/policies/password/new' });
    assert.deepEqual(await target('delete', 'policies/password/new'), { action: 'delete', resource: 'sys/policies/password/new' });
  });

  it('refuses before storing: a missing policy, bad syntax, an impossible policy', async () => {
    await rejectsVault(sys.send('update', 'policies/password/bad', {}), 400, 'missing required field `policy`');
    await rejectsVault(sys.send('update', 'policies/password/bad', { policy: '' }), 400, 'missing required field `policy`');
    await rejectsVault(sys.send('update', 'policies/password/bad', { policy: 'length = 20\nrule "charset" {\n  charset = abc\n}' }), 400, /^invalid password policy: line 3, column 13: /);
    await rejectsVault(sys.send('update', 'policies/password/bad', { policy: 'length = 4\nrule "charset" {\n charset = "ab"\n min-chars = 5\n}' }), 400, /require at least 5 characters/);
    await rejectsVault(sys.send('read', 'policies/password/bad'), 404, 'policy does not exist');
  });
});

describe('sys/policies/password through the pipeline (tier 2)', () => {
  let v: CedarVault;
  before(async () => {
    v = await cedarDevVault();
  });
  after(() => v.close());

  it('lists nothing as 404 {"errors":[]}, then writes, reads, lists, generates and deletes', async () => {
    const empty = await send(v, 'list', 'sys/policies/password');
    assert.equal(empty.status, 404);
    assert.deepEqual(empty.body, { errors: [] });

    assert.equal((await send(v, 'update', 'sys/policies/password/app', { body: { policy: POLICY } })).status, 204);
    assert.deepEqual(body(await send(v, 'read', 'sys/policies/password/app')).data, { policy: POLICY });
    assert.deepEqual(body(await send(v, 'list', 'sys/policies/password')).data.keys, ['app']);

    for (let i = 0; i < 50; i++) {
      const res = await send(v, 'read', 'sys/policies/password/app/generate');
      assert.equal(res.status, 200);
      assert.ok(matches(body(res).data.password), body(res).data.password);
    }

    assert.equal((await send(v, 'delete', 'sys/policies/password/app')).status, 204);
    assert.equal((await send(v, 'delete', 'sys/policies/password/app')).status, 204, 'deleting nothing is not an error');
    for (const path of ['sys/policies/password/app', 'sys/policies/password/app/generate']) {
      const gone = await send(v, 'read', path);
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.body, { errors: ['policy does not exist'] });
    }
  });

  it('takes the document base64-encoded or as JSON, and returns it decoded', async () => {
    const encoded = Buffer.from(POLICY).toString('base64');
    assert.equal((await send(v, 'update', 'sys/policies/password/b64', { body: { policy: encoded } })).status, 204);
    assert.equal(body(await send(v, 'read', 'sys/policies/password/b64')).data.policy, POLICY);
    const json = JSON.stringify({ length: 12, rule: [{ charset: [{ charset: 'XYZ', 'min-chars': 2 }] }] });
    assert.equal((await send(v, 'update', 'sys/policies/password/json', { body: { policy: json } })).status, 204);
    assert.match(body(await send(v, 'read', 'sys/policies/password/json/generate')).data.password, /^[XYZ]{12}$/);
  });

  it('answers a bad document with a 400 naming line and column, and stores nothing', async () => {
    const res = await send(v, 'update', 'sys/policies/password/broken', { body: { policy: 'length = 20\nrule "charset" {\n  charset = "abc"\n  min_chars = 1\n}' } });
    assert.equal(res.status, 400);
    assert.deepEqual(body(res).errors, ['invalid password policy: line 4, column 3: unknown attribute `min_chars` in a `charset` rule: it takes `charset` and `min-chars`']);
    const length = await send(v, 'update', 'sys/policies/password/broken', { body: { policy: 'length = 200\nrule "charset" { charset = "a" }' } });
    assert.match(body(length).errors[0], /passwords must be between 4 and 100 characters/);
    assert.equal((await send(v, 'read', 'sys/policies/password/broken')).status, 404);
  });

  it('keeps policies through the barrier across a seal and unseal', async () => {
    await send(v, 'update', 'sys/policies/password/kept', { body: { policy: POLICY } });
    await v.reseal();
    assert.equal(body(await send(v, 'read', 'sys/policies/password/kept')).data.policy, POLICY);
    assert.ok(matches(body(await send(v, 'read', 'sys/policies/password/kept/generate')).data.password));
  });

  it('lets Cedar grant generating without reading or writing', async () => {
    await send(v, 'update', 'sys/policies/password/gen-only', { body: { policy: POLICY } });
    const cedar = 'permit(principal in Role::"pw-gen", action == Action::"generate", resource in Secret::"sys/policies/password");';
    assert.equal((await send(v, 'update', 'sys/policies/cedar/pw-gen', { body: { policy: cedar } })).status, 204);
    const created = await send(v, 'update', 'auth/token/create', { body: { policies: ['pw-gen'] } });
    const token = body(created).auth.client_token as string;
    assert.ok(matches(body(await send(v, 'read', 'sys/policies/password/gen-only/generate', { token })).data.password));
    assert.equal((await send(v, 'read', 'sys/policies/password/gen-only', { token })).status, 403);
    assert.equal((await send(v, 'update', 'sys/policies/password/gen-only', { token, body: { policy: POLICY } })).status, 403);
    assert.equal((await send(v, 'delete', 'sys/policies/password/gen-only', { token })).status, 403);
    assert.equal((await send(v, 'list', 'sys/policies/password', { token })).status, 403);
  });

  it('never writes a generated password to the audit log', async () => {
    const dir = await tempDir('pw-audit-');
    const file = join(dir, 'audit.log');
    try {
      assert.equal((await send(v, 'update', 'sys/audit/pw', { body: { type: 'file', options: { file_path: file } } })).status, 204);
      await send(v, 'update', 'sys/policies/password/audited', { body: { policy: POLICY } });
      const password = body(await send(v, 'read', 'sys/policies/password/audited/generate')).data.password as string;
      const log = await readFile(file, 'utf8');
      assert.match(log, /sys\/policies\/password\/audited\/generate/);
      assert.equal(log.includes(password), false);
    } finally {
      await send(v, 'delete', 'sys/audit/pw');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
