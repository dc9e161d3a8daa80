import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { rejectsVault } from '../../framework/engine-harness.js';
import { describeCertificate, needTools, runTool, SSH_KEYGEN, tempDir, type TempDir } from './openssh-tools.js';
import { dataString, mountSsh } from './test-support.js';

const ROLE = { key_type: 'ca', allowed_users: 'alice', allow_user_certificates: true, default_extensions: { 'permit-pty': '' } };

describe('ssh issue/:role', { ...needTools(SSH_KEYGEN) }, () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir();
  });
  after(() => dir.dispose());

  it('returns a private key that ssh-keygen reads and whose public half is the certified key', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', ROLE);
    const cases = [
      { key_type: 'ed25519', expect: 'ed25519', certType: 'ssh-ed25519-cert-v01@openssh.com' },
      { key_type: 'rsa', key_bits: 2048, expect: 'rsa', certType: 'ssh-rsa-cert-v01@openssh.com' },
      { key_type: 'ec', key_bits: 384, expect: 'ec', certType: 'ecdsa-sha2-nistp384-cert-v01@openssh.com' },
      { key_type: 'ssh-ed25519', expect: 'ed25519', certType: 'ssh-ed25519-cert-v01@openssh.com' },
    ];
    for (const c of cases) {
      const res = await h.call('update', 'issue/dev', { key_type: c.key_type, key_bits: c.key_bits, valid_principals: 'alice', ttl: '10m' });
      assert.deepEqual(res.authz, { action: 'sign', resource: 'ssh/dev' });
      const data = res.response?.data;
      assert.equal(data?.['private_key_type'], c.expect);
      assert.match(dataString(data, 'serial_number'), /^[0-9a-f]{1,16}$/);
      const privateKey = dataString(data, 'private_key');
      assert.match(privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      const signedKey = dataString(data, 'signed_key');
      assert.ok(signedKey.startsWith(`${c.certType} `), signedKey.slice(0, 60));

      const keyFile = await dir.write(`issued-${c.key_type}`, privateKey);
      const derived = await runTool(SSH_KEYGEN, ['-y', '-f', keyFile]);
      assert.equal(derived.code, 0, derived.stderr);
      const certified = sshpk.parseCertificate(signedKey, 'openssh').subjectKey;
      assert.equal(derived.stdout.trim().split(' ').slice(0, 2).join(' '), certified.toString('ssh').split(' ').slice(0, 2).join(' '));
      assert.match(await describeCertificate(dir, signedKey), /Principals: \n\s+alice\n/);
    }
  });

  it('defaults to an ed25519 key and applies the same role checks as sign', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', ROLE);
    const res = await h.send('update', 'issue/dev', { valid_principals: 'alice' });
    assert.equal(res?.data?.['private_key_type'], 'ed25519');
    await rejectsVault(h.send('update', 'issue/dev', { valid_principals: 'root' }), 400, '`root` is not a valid value for valid_principals');
    await rejectsVault(h.send('update', 'issue/dev', {}), 400, /refusing to issue unsafe/);
    await rejectsVault(h.send('update', 'issue/dev', { key_type: 'dsa', valid_principals: 'alice' }), 400, /`key_type` must be one of/);
    await rejectsVault(h.send('update', 'issue/dev', { key_type: 'rsa', key_bits: 512, valid_principals: 'alice' }), 400, /`key_bits` for rsa/);
    await rejectsVault(h.send('update', 'issue/none', { valid_principals: 'alice' }), 400, 'unknown role: `none`');
  });

  it('stores no private key: only the CA bundle and the role', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', ROLE);
    await h.send('update', 'issue/dev', { valid_principals: 'alice' });
    const keys = [...h.store.entries.keys()].map((k) => k.slice(k.indexOf('/', k.indexOf('/') + 1) + 1));
    assert.deepEqual(keys.sort(), ['config/ca_bundle', 'roles/dev']);
  });
});
