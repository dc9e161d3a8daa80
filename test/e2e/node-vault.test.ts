import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { sqliteConfig, startServerProcess, type ServerProcess } from './server-process.js';

// node-vault is an unmodified Vault client from npm: if it works, Vault's clients work.
const require = createRequire(import.meta.url);
type NodeVault = Record<string, (...args: any[]) => Promise<any>> & { token: string };
const nodeVault = require('node-vault') as (opts: { endpoint: string; token?: string }) => NodeVault;

describe('node-vault against a real server process (SQLite storage)', () => {
  let server: ServerProcess;
  let vault: NodeVault;
  let keys: string[] = [];

  before(async () => {
    const { config } = sqliteConfig();
    server = await startServerProcess(['--config', config]);
    vault = nodeVault({ endpoint: server.url });
  });
  after(async () => server?.stop());

  it('initialises with 5 shares and threshold 3, then unseals with three of them', async () => {
    assert.deepEqual(await vault.initialized!(), { initialized: false });
    const init = await vault.init!({ secret_shares: 5, secret_threshold: 3 });
    assert.equal(init.keys.length, 5);
    assert.equal(init.keys_base64.length, 5);
    assert.match(init.root_token, /^s\./);
    keys = init.keys;
    vault.token = init.root_token;

    const sealed = await vault.status!();
    assert.equal(sealed.sealed, true);
    assert.equal(sealed.t, 3);
    assert.equal(sealed.n, 5);
    await assert.rejects(vault.read!('secret/data/x'), /Vault is sealed/);

    let status = await vault.unseal!({ key: keys[0] });
    assert.equal(status.progress, 1);
    status = await vault.unseal!({ key: keys[0] }); // a duplicate share does not advance
    assert.equal(status.progress, 1);
    await vault.unseal!({ key: keys[2] });
    status = await vault.unseal!({ key: keys[4] });
    assert.equal(status.sealed, false);
    assert.equal(status.progress, 0);
  });

  it('mounts KV v2 and round-trips versions with check-and-set', async () => {
    await vault.mount!({ mount_point: 'secret', type: 'kv', options: { version: '2' } });
    const mounts = await vault.mounts!();
    assert.equal(mounts.data['secret/'].options.version, '2');

    const v1 = await vault.write!('secret/data/app/db', { data: { password: 'hunter2' }, options: { cas: 0 } });
    assert.equal(v1.data.version, 1);
    await assert.rejects(
      vault.write!('secret/data/app/db', { data: { password: 'again' }, options: { cas: 0 } }),
      /check-and-set/,
    );
    const v2 = await vault.write!('secret/data/app/db', { data: { password: 'rotated' }, options: { cas: 1 } });
    assert.equal(v2.data.version, 2);
    const latest = await vault.read!('secret/data/app/db');
    assert.equal(latest.data.data.password, 'rotated');
    const first = await vault.read!('secret/data/app/db?version=1');
    assert.equal(first.data.data.password, 'hunter2');

    // node-vault's update() is an HTTP PATCH with application/merge-patch+json
    await vault.update!('secret/data/app/db', { data: { user: 'app' } });
    const patched = await vault.read!('secret/data/app/db');
    assert.deepEqual(patched.data.data, { password: 'rotated', user: 'app' });

    // node-vault lists with the LIST verb
    const listed = await vault.list!('secret/metadata/app');
    assert.deepEqual(listed.data.keys, ['db']);

    await vault.delete!('secret/data/app/db');
    await assert.rejects(vault.read!('secret/data/app/db'), (err: any) => err.response.statusCode === 404);
  });

  it('revokes a whole token tree', async () => {
    const as = (token: string) => nodeVault({ endpoint: server.url, token });
    // node-vault's tokenCreate() switches the client to the new token (it is a "token source"),
    // so the tree is built with write() and each client keeps the token it was made with.
    const create = async (token: string, body: object) =>
      (await as(token).write!('auth/token/create', body)).auth.client_token as string;
    const lookupSelf = (token: string) => as(token).read!('auth/token/lookup-self');
    // Only root may create tokens until Cedar policies land, so the inner nodes carry `root`.
    const t1 = await create(vault.token, { policies: ['root'], ttl: '1h' });
    const t2 = await create(t1, { policies: ['dev'] });
    const t3 = await create(t1, { policies: ['root'], ttl: '30m' });
    const t4 = await create(t3, { policies: ['dev'] });
    const lookup = await lookupSelf(t4);
    assert.deepEqual(lookup.data.policies, ['default', 'dev']);

    await vault.tokenRevoke!({ token: t1 });
    for (const t of [t1, t2, t3, t4]) {
      await assert.rejects(lookupSelf(t), (err: any) => err.response.statusCode === 403);
    }
    // the root token that created the tree is untouched
    assert.ok((await lookupSelf(vault.token)).data.policies.includes('root'));
  });

  it('wraps a response and unwraps it exactly once', async () => {
    await vault.write!('secret/data/wrapped', { data: { v: 'w-1' } });
    const wrapped = await vault.read!('secret/data/wrapped', { headers: { 'X-Vault-Wrap-TTL': '60s' } });
    assert.equal(wrapped.data, null);
    const wrapToken = wrapped.wrap_info.token;
    const unwrapper = nodeVault({ endpoint: server.url, token: wrapToken });
    const unwrapped = await unwrapper.unwrap!();
    assert.equal(unwrapped.data.data.v, 'w-1');
    await assert.rejects(unwrapper.unwrap!(), (err: any) => err.response.statusCode >= 400);
  });

  it('seals: every request answers 503 until unsealed again', async () => {
    await vault.seal!();
    await assert.rejects(vault.read!('secret/data/wrapped'), (err: any) => err.response.statusCode === 503);
    const health = await vault.health!();
    assert.equal(health.sealed, true);
    for (const k of keys.slice(1, 4)) await vault.unseal!({ key: k });
    const back = await vault.read!('secret/data/wrapped');
    assert.equal(back.data.data.v, 'w-1');
  });
});
