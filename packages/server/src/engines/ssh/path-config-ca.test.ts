import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { rejectsVault } from '../../framework/engine-harness.js';
import { RouteTable } from '../../framework/route-table.js';
import { keygen, needTools, runTool, SSH_KEYGEN, tempDir, type TempDir } from './openssh-tools.js';
import { dataString, mountSsh } from './test-support.js';

describe('ssh config/ca', () => {
  it('generates an ed25519 CA by default and serves it on config/ca and public_key', async () => {
    const h = await mountSsh();
    const written = await h.call('update', 'config/ca', {});
    assert.deepEqual(written.authz, { action: 'configure', resource: 'ssh' });
    const publicKey = dataString(written.response?.data, 'public_key');
    assert.match(publicKey, /^ssh-ed25519 AAAA[\w+/=]+\n$/);
    assert.equal(sshpk.parseKey(publicKey, 'ssh').type, 'ed25519');

    const read = await h.call('read', 'config/ca');
    assert.deepEqual(read.authz, { action: 'read', resource: 'ssh' });
    assert.deepEqual(read.response?.data, { public_key: publicKey });

    const raw = (await h.send('read', 'public_key'))?.raw;
    assert.deepEqual(raw, { contentType: 'text/plain', body: publicKey });
  });

  it('declares public_key, and only it, unauthenticated', async () => {
    const h = await mountSsh();
    const routes = new RouteTable(h.engine);
    assert.equal(routes.isUnauthenticated('public_key'), true);
    for (const p of ['config/ca', 'roles/dev', 'sign/dev', 'issue/dev']) assert.equal(routes.isUnauthenticated(p), false, p);
  });

  it('generates rsa (with key_bits) and ecdsa CAs under Vault and OpenSSH names', async () => {
    const h = await mountSsh();
    const rsa = sshpk.parseKey(dataString((await h.send('update', 'config/ca', { key_type: 'ssh-rsa', key_bits: 2048 }))?.data, 'public_key'), 'ssh');
    assert.equal(rsa.type, 'rsa');
    assert.equal(rsa.size, 2048);
    const ec = sshpk.parseKey(dataString((await h.send('update', 'config/ca', { key_type: 'ec', key_bits: 384 }))?.data, 'public_key'), 'ssh');
    assert.equal(ec.curve, 'nistp384');
    const named = sshpk.parseKey(dataString((await h.send('update', 'config/ca', { key_type: 'ecdsa-sha2-nistp521' }))?.data, 'public_key'), 'ssh');
    assert.equal(named.curve, 'nistp521');
  });

  it('replaces the CA on a second write and forgets it on delete', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    const first = dataString((await h.send('read', 'config/ca'))?.data, 'public_key');
    const second = dataString((await h.send('update', 'config/ca', {}))?.data, 'public_key');
    assert.notEqual(first, second);
    const del = await h.call('delete', 'config/ca');
    assert.deepEqual(del.authz, { action: 'delete', resource: 'ssh' });
    await rejectsVault(h.send('read', 'config/ca'), 404);
    await rejectsVault(h.send('read', 'public_key'), 404);
  });

  it('refuses bad generation requests with 400', async () => {
    const h = await mountSsh();
    await rejectsVault(h.send('update', 'config/ca', { key_type: 'dsa' }), 400, /`key_type` must be one of/);
    await rejectsVault(h.send('update', 'config/ca', { key_type: 'rsa', key_bits: 1024 }), 400, /`key_bits` for rsa/);
    await rejectsVault(h.send('update', 'config/ca', { key_type: 'ec', key_bits: 255 }), 400, /`key_bits` for ec/);
    await rejectsVault(h.send('update', 'config/ca', { generate_signing_key: false }), 400, /required when `generate_signing_key` is false/);
    await rejectsVault(h.send('read', 'config/ca'), 404);
  });
});

describe('ssh config/ca import', { ...needTools(SSH_KEYGEN) }, () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir();
  });
  after(() => dir.dispose());

  it('imports an OpenSSH key pair made by ssh-keygen and serves its public key', async () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) {
      const h = await mountSsh();
      const pair = await keygen(dir, type, `import-${type}`, type === 'rsa' ? 2048 : undefined);
      const privateKey = await readFile(pair.keyFile, 'utf8');
      const res = await h.send('update', 'config/ca', { private_key: privateKey, public_key: pair.publicKey });
      // The comment is dropped; the key itself is the one given.
      const [algo, blob] = pair.publicKey.split(' ');
      assert.equal(dataString(res?.data, 'public_key'), `${algo} ${blob}\n`, type);
      assert.deepEqual((await h.send('read', 'public_key'))?.raw?.body, `${algo} ${blob}\n`);
    }
  });

  it('refuses mismatched, partial, encrypted and malformed imports with 400', async () => {
    const h = await mountSsh();
    const a = await keygen(dir, 'ed25519', 'mismatch-a');
    const b = await keygen(dir, 'ed25519', 'mismatch-b');
    const aPrivate = await readFile(a.keyFile, 'utf8');
    await rejectsVault(h.send('update', 'config/ca', { private_key: aPrivate, public_key: b.publicKey }), 400, '`public_key` does not match `private_key`');
    await rejectsVault(h.send('update', 'config/ca', { private_key: aPrivate }), 400, /both `public_key` and `private_key`/);
    await rejectsVault(h.send('update', 'config/ca', { public_key: a.publicKey }), 400, /both `public_key` and `private_key`/);
    await rejectsVault(h.send('update', 'config/ca', { private_key: 'not a key', public_key: a.publicKey }), 400, /`private_key` is not a valid/);
    await rejectsVault(h.send('update', 'config/ca', { private_key: aPrivate, public_key: 'ssh-ed25519 AAAAnope' }), 400, /`public_key` is not a valid ssh public key/);

    const enc = `${dir.path}/encrypted`;
    await runTool(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', 'secret-pass', '-f', enc]);
    const encrypted = await readFile(enc, 'utf8');
    const encPub = await readFile(`${enc}.pub`, 'utf8');
    await rejectsVault(h.send('update', 'config/ca', { private_key: encrypted, public_key: encPub }), 400, /not a valid unencrypted/);
    // Nothing was stored by the failed attempts.
    await rejectsVault(h.send('read', 'config/ca'), 404);
  });

  it('never echoes key material in an error', async () => {
    const h = await mountSsh();
    const pair = await keygen(dir, 'ed25519', 'no-echo');
    const privateKey = await readFile(pair.keyFile, 'utf8');
    const broken = privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!!!!!!!!!!!!!!!!!');
    await h.send('update', 'config/ca', { private_key: broken, public_key: pair.publicKey }).then(
      () => assert.fail('expected a 400'),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : '';
        assert.ok(!message.includes('AAAA') && !message.includes('PRIVATE'), message);
      },
    );
  });
});
