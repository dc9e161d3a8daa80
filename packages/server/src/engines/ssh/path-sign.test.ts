import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { FakeClock, rejectsVault } from '../../framework/engine-harness.js';
import type { RequestAuth } from '../../framework/engine.js';
import { describeCertificate, keygen, needTools, SSH_KEYGEN, tempDir, type TempDir } from './openssh-tools.js';
import { publicKeyHash } from './ssh-keys.js';
import { dataString, mountSsh } from './test-support.js';

const DEV_ROLE = {
  key_type: 'ca',
  allowed_users: 'alice,bob',
  allow_user_certificates: true,
  allow_host_certificates: true,
  allowed_domains: 'example.com',
  allow_subdomains: true,
  allowed_extensions: 'permit-pty,permit-port-forwarding',
  default_extensions: { 'permit-pty': '' },
  allow_user_key_ids: true,
  max_ttl: '4h',
};

/** ssh-keygen prints times in the local zone without an offset; compare in the same terms. */
const localIso = (unixSeconds: number): string => {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

const auth = (displayName: string): RequestAuth => ({
  clientToken: 'hvs.test',
  accessor: 'acc',
  tokenHash: 'hash',
  policies: ['default'],
  displayName,
  entityId: '',
  metadata: {},
  principal: { type: 'Token', id: 'acc' },
  isRoot: false,
  expireTime: 0,
});

describe('ssh sign/:role with ssh-keygen -L', { ...needTools(SSH_KEYGEN) }, () => {
  let dir: TempDir;
  let userKey: string;
  before(async () => {
    dir = await tempDir();
    userKey = (await keygen(dir, 'ed25519', 'user')).publicKey;
  });
  after(() => dir.dispose());

  it('writes the principals, window, key id, serial and extensions that were asked for', async () => {
    const clock = new FakeClock();
    const h = await mountSsh({ ca: 'ed25519', clock });
    await h.send('update', 'roles/dev', DEV_ROLE);
    const res = await h.call('update', 'sign/dev', {
      public_key: userKey,
      valid_principals: 'alice,bob',
      ttl: '1h',
      key_id: 'alice-laptop',
      extensions: { 'permit-pty': '', 'permit-port-forwarding': '' },
      critical_options: { 'force-command': '/usr/bin/true' },
    });
    assert.deepEqual(res.authz, { action: 'sign', resource: 'ssh/dev' });
    const serial = dataString(res.response?.data, 'serial_number');
    assert.match(serial, /^[0-9a-f]{1,16}$/);
    const signedKey = dataString(res.response?.data, 'signed_key');
    assert.match(signedKey, /^ssh-ed25519-cert-v01@openssh\.com AAAA[\w+/=]+\n$/);

    const text = await describeCertificate(dir, signedKey);
    const now = clock.now() / 1000;
    assert.match(text, /Type: ssh-ed25519-cert-v01@openssh\.com user certificate/);
    assert.match(text, /Key ID: "alice-laptop"/);
    assert.match(text, new RegExp(`Serial: ${BigInt(`0x${serial}`).toString()}\\n`));
    assert.match(text, new RegExp(`Valid: from ${localIso(now - 30)} to ${localIso(now + 3600)}`));
    assert.match(text, /Principals: \n\s+alice\n\s+bob\n/);
    assert.match(text, /Critical Options: \n\s+force-command \/usr\/bin\/true\n/);
    assert.match(text, /Extensions: \n\s+permit-port-forwarding\n\s+permit-pty\n/);
    // Signed by this mount's CA.
    const ca = sshpk.parseKey(dataString((await h.send('read', 'config/ca'))?.data, 'public_key'), 'ssh');
    assert.match(text, new RegExp(`Signing CA: ED25519 ${ca.fingerprint('sha256').toString().replace(/[+/]/g, '\\$&')} \\(using ssh-ed25519\\)`));
    assert.ok(sshpk.parseCertificate(signedKey, 'openssh').isSignedByKey(ca));
  });

  it('defaults: role extensions, Vault key id from the token display name, user type', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    const res = await h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' }, { auth: auth('token-alice') });
    const text = await describeCertificate(dir, dataString(res?.data, 'signed_key'));
    const hash = publicKeyHash(sshpk.parseKey(userKey, 'ssh'));
    assert.match(text, new RegExp(`Key ID: "vault-token-alice-${hash}"`));
    assert.match(text, /Extensions: \n\s+permit-pty\n/);
    assert.match(text, /Critical Options: \(none\)/);
    assert.match(text, /user certificate/);
  });

  it('signs host certificates for allowed subdomains', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', { ...DEV_ROLE, default_extensions: {} });
    const res = await h.send('update', 'sign/dev', { public_key: userKey, cert_type: 'host', valid_principals: 'web1.example.com' });
    const text = await describeCertificate(dir, dataString(res?.data, 'signed_key'));
    assert.match(text, /host certificate/);
    assert.match(text, /Principals: \n\s+web1\.example\.com\n/);
  });

  it('signs with an RSA CA using rsa-sha2-256 by default and rsa-sha2-512 on request', async () => {
    const h = await mountSsh();
    await h.send('update', 'config/ca', { key_type: 'rsa', key_bits: 2048 });
    await h.send('update', 'roles/dev', { ...DEV_ROLE, algorithm_signer: 'rsa-sha2-256' });
    const sha256 = await h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' });
    assert.match(await describeCertificate(dir, dataString(sha256?.data, 'signed_key')), /Signing CA: RSA SHA256:\S+ \(using rsa-sha2-256\)/);
    await h.send('update', 'roles/dflt', DEV_ROLE);
    const dflt = await h.send('update', 'sign/dflt', { public_key: userKey, valid_principals: 'alice' });
    assert.match(await describeCertificate(dir, dataString(dflt?.data, 'signed_key')), /\(using rsa-sha2-256\)/);
    await h.send('update', 'roles/dev', { ...DEV_ROLE, algorithm_signer: 'rsa-sha2-512' });
    const sha512 = await h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' });
    assert.match(await describeCertificate(dir, dataString(sha512?.data, 'signed_key')), /\(using rsa-sha2-512\)/);
  });

  it('signs RSA and ECDSA user keys, and with an ECDSA CA', async () => {
    const h = await mountSsh({ ca: 'ecdsa-sha2-nistp384' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    for (const type of ['rsa', 'ecdsa'] as const) {
      const pub = (await keygen(dir, type, `user-${type}`, type === 'rsa' ? 2048 : undefined)).publicKey;
      const res = await h.send('update', 'sign/dev', { public_key: pub, valid_principals: 'bob' });
      const text = await describeCertificate(dir, dataString(res?.data, 'signed_key'));
      assert.match(text, type === 'rsa' ? /ssh-rsa-cert-v01/ : /ecdsa-sha2-nistp256-cert-v01/);
      assert.match(text, /Signing CA: ECDSA SHA256:\S+ \(using ecdsa-sha2-nistp384\)/);
    }
  });

  it('issues certificates with no principals only when the role opts in', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    await rejectsVault(h.send('update', 'sign/dev', { public_key: userKey }), 400, /refusing to issue unsafe, globally-valid certificate/);
    await h.send('update', 'roles/open', { ...DEV_ROLE, allow_empty_principals: true });
    const res = await h.send('update', 'sign/open', { public_key: userKey });
    assert.match(await describeCertificate(dir, dataString(res?.data, 'signed_key')), /Principals: \(none\)/);
  });

  it('refuses what the role does not allow with 400', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    await h.send('update', 'roles/hosts', { key_type: 'ca', allow_host_certificates: true, allowed_domains: 'example.com', allow_subdomains: true });
    const sign = (role: string, body: Record<string, unknown>) => h.send('update', `sign/${role}`, { public_key: userKey, ...body });
    await rejectsVault(sign('dev', { valid_principals: 'root' }), 400, '`root` is not a valid value for valid_principals');
    await rejectsVault(sign('dev', { cert_type: 'host', valid_principals: 'evil.org' }), 400, /`evil.org` is not a valid value/);
    await rejectsVault(sign('hosts', { valid_principals: 'alice' }), 400, "cert_type 'user' is not allowed by role");
    await rejectsVault(sign('dev', { valid_principals: 'alice', ttl: '5h' }), 400, 'ttl is larger than maximum allowed (14400)');
    await rejectsVault(sign('dev', { valid_principals: 'alice', extensions: { 'permit-X11-forwarding': '' } }), 400, /extensions not on allowed list/);
    await rejectsVault(sign('hosts', { cert_type: 'host', valid_principals: 'a.example.com', key_id: 'x' }), 400, /setting `key_id` is not allowed/);
    await rejectsVault(sign('nope', { valid_principals: 'alice' }), 400, 'unknown role: `nope`');
    await rejectsVault(sign('dev', { valid_principals: 'alice', cert_type: 'both' }), 400, /either 'user' or 'host'/);
  });

  it('refuses bad public keys with 400 and signs nothing without a CA', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    const bad = ['', 'not a key', 'ssh-ed25519 AAAA', 'ssh-ed25519 %%%%', userKey.replace('AAAA', 'BBBB')];
    for (const publicKey of bad) {
      await rejectsVault(h.send('update', 'sign/dev', { public_key: publicKey, valid_principals: 'alice' }), 400, /public_key/);
    }
    await rejectsVault(h.send('update', 'sign/dev', { valid_principals: 'alice' }), 400, 'missing required field `public_key`');
    const tiny = (await keygen(dir, 'rsa', 'tiny', 1024)).publicKey;
    const bits = sshpk.parseKey(tiny, 'ssh').size;
    assert.equal(bits, 1024);
    await h.send('update', 'roles/strict', { ...DEV_ROLE, allowed_user_key_lengths: { rsa: [2048, 4096] } });
    await rejectsVault(h.send('update', 'sign/strict', { public_key: tiny, valid_principals: 'alice' }), 400, 'key is of an invalid size: 1024');

    const bare = await mountSsh();
    await bare.send('update', 'roles/dev', DEV_ROLE);
    await rejectsVault(bare.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' }), 400, /no ca key pair configured/);
  });

  it('refuses algorithm_signer on a non-RSA CA', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', { ...DEV_ROLE, algorithm_signer: 'rsa-sha2-256' });
    await rejectsVault(h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' }), 400, /needs an rsa ca key/);
  });

  it('signs under the role and CA as last written: cached copies follow every write and delete', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    const signAlice = () => h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' });
    const signedBy = async () => {
      const cert = sshpk.parseCertificate(dataString((await signAlice())?.data, 'signed_key'), 'openssh');
      assert.ok(cert.issuerKey);
      return cert.issuerKey.fingerprint('sha256').toString();
    };
    const caFingerprint = async () =>
      sshpk.parseKey(dataString((await h.send('read', 'config/ca'))?.data, 'public_key'), 'ssh').fingerprint('sha256').toString();

    assert.equal(await signedBy(), await caFingerprint());
    await h.send('update', 'roles/dev', { ...DEV_ROLE, allowed_users: 'bob' });
    await rejectsVault(signAlice(), 400, '`alice` is not a valid value for valid_principals');
    await h.send('update', 'roles/dev', DEV_ROLE);
    await signAlice();
    await h.send('delete', 'roles/dev');
    await rejectsVault(signAlice(), 400, 'unknown role: `dev`');
    await h.send('update', 'roles/dev', DEV_ROLE);

    const before = await caFingerprint();
    await h.send('update', 'config/ca', {});
    const after = await caFingerprint();
    assert.notEqual(after, before);
    assert.equal(await signedBy(), after);
    await h.send('delete', 'config/ca');
    await rejectsVault(signAlice(), 400, /no ca key pair configured/);
  });

  it('gives every certificate a distinct serial and stores nothing per certificate', async () => {
    const h = await mountSsh({ ca: 'ed25519' });
    await h.send('update', 'roles/dev', DEV_ROLE);
    const before = [...h.store.entries.keys()].sort();
    const serials = await Promise.all(
      Array.from({ length: 40 }, async () =>
        dataString((await h.send('update', 'sign/dev', { public_key: userKey, valid_principals: 'alice' }))?.data, 'serial_number'),
      ),
    );
    assert.equal(new Set(serials).size, 40);
    for (const serial of serials) assert.match(serial, /^[1-9a-f][0-9a-f]{0,15}$/);
    assert.deepEqual([...h.store.entries.keys()].sort(), before);
  });
});
