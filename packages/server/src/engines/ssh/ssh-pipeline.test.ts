import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';

describe('ssh engine through the pipeline', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/mounts/ssh', { body: { type: 'ssh' } })).status, 204);
  });
  after(() => vault.close());

  it('serves the CA key without a token and signs for an allowed principal', async () => {
    const ca = body(await send(vault, 'update', 'ssh/config/ca', { body: { generate_signing_key: true } }));
    const publicKey = await send(vault, 'read', 'ssh/public_key', { token: '' });
    assert.equal(publicKey.status, 200);
    assert.equal(publicKey.raw!.contentType.startsWith('text/plain'), true);
    assert.equal(String(publicKey.raw!.body).trim(), String(ca.data.public_key).trim());
    await send(vault, 'update', 'ssh/roles/dev', {
      body: { key_type: 'ca', allow_user_certificates: true, allowed_users: 'deploy', default_extensions: { 'permit-pty': '' }, ttl: '1h', max_ttl: '24h' },
    });
    const { publicKey: key } = generateKeyPairSync('ed25519');
    const openssh = sshpk.parseKey(key.export({ format: 'pem', type: 'spki' }), 'pem').toString('ssh');
    const signed = body(await send(vault, 'update', 'ssh/sign/dev', { body: { public_key: openssh, valid_principals: 'deploy' } }));
    assert.match(signed.data.serial_number, /^[0-9a-f]+$/);
    const cert = sshpk.parseCertificate(signed.data.signed_key, 'openssh');
    assert.deepEqual(cert.subjects.map((s) => s.toString()), ['UID=deploy']);
    const refused = await send(vault, 'update', 'ssh/sign/dev', { body: { public_key: openssh, valid_principals: 'root' } });
    assert.equal(refused.status, 400);
    assert.equal((await send(vault, 'update', 'ssh/sign/dev', { token: '', body: { public_key: openssh } })).status, 403);
  });
});
