import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AesGcmBarrier } from '../../barrier/aes-gcm-barrier.js';
import { InmemBackend } from '../../storage/inmem-backend.js';
import { PrefixView } from '../../storage/storage-view.js';
import { BATCH_TOKEN_PREFIX, openBatchToken } from './batch-token.js';
import { renderAuth } from './token-response.js';
import { TokenStore } from './token-store.js';
import { ManualClock, MemoryStore, TokenHarness } from './test-harness.js';

/** Creates a batch token through `auth/token/create` (or `path`) as `parent`; returns the rendered auth. */
async function createBatch(h: TokenHarness, parent: string, body: Record<string, unknown> = {}, path = 'create') {
  const res = await h.request(parent, 'update', path, { type: 'batch', ...body });
  assert.ok(res?.auth);
  return renderAuth(res.auth);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes spelled differently: when the byte count is not a multiple of 3, the last
 * base64url character has spare low bits, which decoders ignore. Undefined when there are none.
 */
function respell(token: string): string | undefined {
  const text = token.slice(BATCH_TOKEN_PREFIX.length);
  if (Buffer.from(text, 'base64url').length % 3 === 0) return undefined;
  const last = BASE64URL.indexOf(text.at(-1)!);
  return token.slice(0, -1) + BASE64URL[last ^ 1];
}

/** A token with one base64url character changed, away from both ends. */
const flip = (token: string): string => {
  const i = Math.floor(token.length / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
};

describe('batch tokens: auth/token/create', () => {
  it('issues a b. token with no accessor, not renewable, and writes nothing', async () => {
    const h = await new TokenHarness().start();
    const dev = await h.createToken(h.rootToken, { policies: ['dev', 'ops'] });
    const before = h.raw.dump();
    const auth = await createBatch(h, dev.token, { policies: ['dev'], ttl: '1h', meta: { app: 'ci' }, display_name: 'ci' });
    assert.deepEqual(h.raw.dump(), before, 'a batch token is never stored');
    assert.ok(auth.client_token.startsWith(BATCH_TOKEN_PREFIX));
    assert.match(auth.client_token, /^b\.[A-Za-z0-9_-]+$/);
    assert.equal(auth.accessor, '');
    assert.equal(auth.token_type, 'batch');
    assert.equal(auth.renewable, false);
    assert.equal(auth.orphan, false);
    assert.equal(auth.num_uses, 0);
    assert.equal(auth.lease_duration, 3600);
    assert.deepEqual(auth.policies, ['default', 'dev']);
    assert.deepEqual(auth.metadata, { app: 'ci' });
    // The entry is inside the token, encrypted: nothing of it can be read.
    assert.ok(!Buffer.from(auth.client_token.slice(2), 'base64url').toString('latin1').includes('"policies"'));
  });

  it('makes orphans with no_parent (root) and create-orphan, and never renewable tokens', async () => {
    const h = await new TokenHarness().start();
    assert.equal((await createBatch(h, h.rootToken, { policies: ['dev'], no_parent: true })).orphan, true);
    assert.equal((await createBatch(h, h.rootToken, { policies: ['dev'] }, 'create-orphan')).orphan, true);
    const asked = await createBatch(h, h.rootToken, { policies: ['dev'], renewable: true });
    assert.equal(asked.renewable, false);
    // Without a TTL it gets the system default, like a service token: a batch token always expires.
    assert.equal(asked.lease_duration, h.store.maxTtl);
  });

  it('refuses what a batch token cannot have, naming the field as Vault does', async () => {
    const h = await new TokenHarness().start();
    const refused = async (body: Record<string, unknown>, message: string, token = h.rootToken) =>
      assert.rejects(h.request(token, 'update', 'create', { type: 'batch', policies: ['dev'], ...body }), { status: 400, message });
    await refused({ explicit_max_ttl: '1h' }, 'batch tokens cannot have `explicit_max_ttl` set');
    await refused({ num_uses: 3 }, 'batch tokens cannot have `num_uses` set');
    await refused({ period: '1h' }, 'batch tokens cannot have `period` set');
    await refused({ policies: ['root'] }, 'batch tokens cannot be root tokens');
    // A root caller's child inherits `root` when it names no policies.
    await refused({ policies: [] }, 'batch tokens cannot be root tokens');
    await refused({ id: 'custom' }, 'batch tokens cannot have a custom `id`');
    await assert.rejects(h.request(h.rootToken, 'update', 'create', { type: 'bulk' }), { status: 400, message: 'invalid `type` value `bulk`' });
    const batch = await createBatch(h, h.rootToken, { policies: ['dev'] });
    await refused({}, 'batch tokens cannot create more tokens', batch.client_token);
    await assert.rejects(h.request(batch.client_token, 'update', 'create', { policies: ['dev'] }), {
      status: 400,
      message: 'batch tokens cannot create more tokens',
    });
  });

  it('refuses a service token id that would read as a batch token', async () => {
    const h = await new TokenHarness().start();
    await assert.rejects(h.store.createRoot('b.looks-like-batch'), { status: 400, message: 'custom token ids cannot have the `b.` prefix' });
  });
});

describe('batch tokens: use, lookup, renew, revoke', () => {
  it('looks itself up (lookup-self and lookup) with type batch and no accessor', async () => {
    const h = await new TokenHarness().start();
    const batch = await createBatch(h, h.rootToken, { policies: ['dev'], ttl: '30m', display_name: 'ci' });
    h.clock.advance(60);
    for (const [token, path, body] of [
      [batch.client_token, 'lookup-self', {}],
      [h.rootToken, 'lookup', { token: batch.client_token }],
    ] as const) {
      const data = (await h.request(token, 'update', path, body))?.data ?? {};
      assert.equal(data['type'], 'batch');
      assert.equal(data['id'], batch.client_token);
      assert.equal(data['accessor'], '');
      assert.equal(data['orphan'], false);
      assert.equal(data['renewable'], false);
      assert.equal(data['num_uses'], 0);
      assert.equal(data['explicit_max_ttl'], 0);
      assert.equal(data['creation_ttl'], 1800);
      assert.equal(data['ttl'], 1740);
      assert.equal(data['display_name'], 'token-ci');
      assert.equal(data['path'], 'auth/token/create');
      assert.deepEqual(data['policies'], ['default', 'dev']);
      assert.equal(data['issue_time'], new Date(h.clock.ms - 60_000).toISOString());
      assert.equal(data['expire_time'], new Date(h.clock.ms + 1740_000).toISOString());
    }
  });

  it('cannot be renewed or revoked (400), and has no accessor to act on', async () => {
    const h = await new TokenHarness().start();
    const batch = (await createBatch(h, h.rootToken, { policies: ['dev'] })).client_token;
    const renew = { status: 400, message: 'batch tokens cannot be renewed' };
    await assert.rejects(h.request(batch, 'update', 'renew-self'), renew);
    await assert.rejects(h.request(h.rootToken, 'update', 'renew', { token: batch }), renew);
    const revoke = { status: 400, message: 'batch tokens cannot be revoked' };
    await assert.rejects(h.request(batch, 'update', 'revoke-self'), revoke);
    await assert.rejects(h.request(h.rootToken, 'update', 'revoke', { token: batch }), revoke);
    await assert.rejects(h.request(h.rootToken, 'update', 'revoke-orphan', { token: batch }), revoke);
    await assert.rejects(h.request(h.rootToken, 'update', 'lookup-accessor', { accessor: '' }), { status: 400 });
    assert.ok(await h.store.lookup(batch), 'still valid');
    assert.deepEqual(h.store.listAccessors().length, 1, 'only the root token has an accessor');
  });

  it('stops working at expiry', async () => {
    const h = await new TokenHarness().start();
    const batch = (await createBatch(h, h.rootToken, { policies: ['dev'], ttl: '10m' })).client_token;
    h.clock.advance(599);
    assert.ok(await h.store.lookup(batch));
    h.clock.advance(1);
    assert.equal(await h.store.lookup(batch), undefined);
    await assert.rejects(h.request(batch, 'read', 'lookup-self'), { status: 403 });
  });

  it('stops working when its parent is revoked; an orphan does not', async () => {
    const h = await new TokenHarness().start();
    const parent = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '1h' });
    const child = (await createBatch(h, parent.token, {})).client_token;
    const orphan = (await createBatch(h, h.rootToken, { policies: ['dev'], no_parent: true })).client_token;
    const sibling = (await createBatch(h, h.rootToken, { policies: ['dev'] })).client_token;
    assert.equal((await h.store.lookup(child))?.parent, h.store.hashToken(parent.token));
    await h.request(h.rootToken, 'update', 'revoke', { token: parent.token });
    assert.equal(await h.store.lookup(child), undefined);
    await assert.rejects(h.request(child, 'read', 'lookup-self'), { status: 403 });
    assert.ok(await h.store.lookup(orphan));
    assert.ok(await h.store.lookup(sibling));
  });

  it('maps to a request auth named by its hash, with its parent as lease holder', async () => {
    const h = await new TokenHarness().start();
    const batch = (await createBatch(h, h.rootToken, { policies: ['dev'] })).client_token;
    const entry = (await h.store.lookup(batch))!;
    const auth = h.store.toRequestAuth(batch, entry);
    assert.equal(auth.accessor, '');
    assert.equal(auth.tokenHash, h.store.hashToken(batch));
    assert.deepEqual(auth.principal, { type: 'Token', id: auth.tokenHash });
    assert.deepEqual(auth.batch, { parentHash: h.store.hashToken(h.rootToken) });
    assert.equal(auth.isRoot, false);
    assert.ok(h.store.isToken(batch, auth.tokenHash));
    const orphan = (await createBatch(h, h.rootToken, { policies: ['dev'], no_parent: true })).client_token;
    assert.deepEqual(h.store.toRequestAuth(orphan, (await h.store.lookup(orphan))!).batch, {});
  });
});

describe('batch tokens: forgery and tampering', () => {
  it('answers 403 for a changed, truncated, extended or re-spelled token, without saying why', async () => {
    const h = await new TokenHarness().start();
    // Display names of 1 to 3 characters: one of them gives a length with spare bits to respell.
    let batch = '';
    let respelled: string | undefined;
    for (const name of ['a', 'ab', 'abc']) {
      batch = (await createBatch(h, h.rootToken, { policies: ['dev'], display_name: name })).client_token;
      respelled = respell(batch);
      if (respelled !== undefined) break;
    }
    assert.ok(respelled !== undefined && respelled !== batch);
    assert.deepEqual(Buffer.from(respelled.slice(2), 'base64url'), Buffer.from(batch.slice(2), 'base64url'));
    for (const forged of [flip(batch), batch.slice(0, -4), `${batch}AAAA`, `${batch}=`, respelled, 'b.', 'b.!!!!', `b.${'A'.repeat(9000)}`]) {
      assert.equal(await h.store.lookup(forged), undefined, forged.slice(0, 40));
      await assert.rejects(h.authenticate(forged), { status: 403, message: 'permission denied' });
    }
    assert.ok(await h.store.lookup(batch));
  });

  it('refuses a batch token from another vault, and a stored ciphertext passed off as one', async () => {
    const h = await new TokenHarness().start();
    const other = await new TokenHarness().start();
    const foreign = (await createBatch(other, other.rootToken, { policies: ['dev'] })).client_token;
    assert.equal(await h.store.lookup(foreign), undefined);

    // The barrier's own format, under the same keyring, at a storage path: the additional data
    // differs, so it does not open as a batch token.
    const backend = new InmemBackend();
    const barrier = new AesGcmBarrier(backend);
    await barrier.initialize(randomBytes(32));
    const payload = { v: 1, policies: ['root'], displayName: 'x', issueTime: Date.now(), ttl: 3600, path: 'p' };
    await barrier.put('sys/token/x', new TextEncoder().encode(JSON.stringify(payload)));
    const stored = (await backend.get('sys/token/x'))!;
    assert.equal(openBatchToken(barrier, BATCH_TOKEN_PREFIX + Buffer.from(stored).toString('base64url')), undefined);
    // Nor can anything be stored where a batch token's additional data points.
    await assert.rejects(barrier.put('core/detached/token/batch', new Uint8Array(1)), { status: 400 });
  });
});

describe('batch tokens and the barrier keyring', () => {
  async function storeOnBarrier() {
    const rootKey = randomBytes(32);
    const barrier = new AesGcmBarrier(new InmemBackend());
    await barrier.initialize(rootKey);
    const clock = new ManualClock();
    const store = new TokenStore(new PrefixView(new MemoryStore(), 'sys/token/'), clock, barrier);
    await store.setup();
    return { barrier, rootKey, store };
  }

  it('survives a seal and an unseal; fails closed while sealed', async () => {
    const { barrier, rootKey, store } = await storeOnBarrier();
    const { token } = await store.create({ policies: ['dev'], path: 'auth/token/create', type: 'batch', ttl: 3600 });
    barrier.seal();
    assert.equal(await store.lookup(token), undefined);
    await barrier.unseal(rootKey);
    assert.deepEqual((await store.lookup(token))?.policies, ['default', 'dev']);
  });

  it('keeps working after sys/rotate: old keyring terms stay readable', async () => {
    const { barrier, store } = await storeOnBarrier();
    const old = await store.create({ policies: ['dev'], path: 'p', type: 'batch', ttl: 3600 });
    await barrier.rotate();
    await barrier.upgradeDone();
    const fresh = await store.create({ policies: ['dev'], path: 'p', type: 'batch', ttl: 3600 });
    const term = (token: string) => Buffer.from(token.slice(2), 'base64url').readUInt32BE(1);
    assert.deepEqual([term(old.token), term(fresh.token)], [1, 2]);
    assert.ok(await store.lookup(old.token));
    assert.ok(await store.lookup(fresh.token));
  });
});

describe('batch tokens: token roles', () => {
  it('accepts batch roles only when they promise nothing a batch token cannot do', async () => {
    const h = await new TokenHarness().start();
    const refused = (body: Record<string, unknown>, what: string) =>
      assert.rejects(h.request(h.rootToken, 'update', 'roles/ci', { token_type: 'batch', ...body }), {
        status: 400,
        message: `\`token_type\` cannot be \`batch\` when role is set to generate ${what}`,
      });
    await refused({}, 'non-orphan tokens');
    await refused({ orphan: true, token_period: '1h' }, 'periodic tokens');
    await refused({ orphan: true }, 'renewable tokens');
    await refused({ orphan: true, renewable: false, token_explicit_max_ttl: '1h' }, 'tokens with an explicit max TTL');
    await refused({ orphan: true, renewable: false, token_num_uses: 2 }, 'tokens with a use limit');
    await assert.rejects(h.request(h.rootToken, 'update', 'roles/ci', { token_type: 'bulk' }), { status: 400 });
    await h.request(h.rootToken, 'update', 'roles/ci', { token_type: 'batch', orphan: true, renewable: false, allowed_policies: ['dev'] });
    assert.equal((await h.request(h.rootToken, 'read', 'roles/ci'))?.data?.['token_type'], 'batch');
    // A batch role wins over the request's type.
    const auth = renderAuth((await h.request(h.rootToken, 'update', 'create/ci', { type: 'service' }))!.auth!);
    assert.equal(auth.token_type, 'batch');
    assert.equal(auth.orphan, true);
    assert.deepEqual((await h.store.lookup(auth.client_token))?.role, 'ci');
  });

  it('default-batch roles issue batch tokens unless the request asks for a service token', async () => {
    const h = await new TokenHarness().start();
    await h.request(h.rootToken, 'update', 'roles/app', { token_type: 'default-batch', allowed_policies: ['dev'], token_period: '1h' });
    const byDefault = renderAuth((await h.request(h.rootToken, 'update', 'create/app'))!.auth!);
    assert.equal(byDefault.token_type, 'batch');
    assert.equal(byDefault.orphan, false);
    // The role's period is not merged into a batch token (Vault does the same).
    assert.equal((await h.store.lookup(byDefault.client_token))?.period, 0);
    const asked = renderAuth((await h.request(h.rootToken, 'update', 'create/app', { type: 'service' }))!.auth!);
    assert.equal(asked.token_type, 'service');
    assert.equal((await h.store.lookup(asked.client_token))?.period, 3600);
    await h.request(h.rootToken, 'update', 'roles/svc', { token_type: 'service', allowed_policies: ['dev'] });
    assert.equal(renderAuth((await h.request(h.rootToken, 'update', 'create/svc', { type: 'batch' }))!.auth!).token_type, 'service');
  });
});
