import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { FakeClock, rejectsVault, type EngineHarness } from '../../framework/engine-harness.js';
import { keygen, needTools, SSH, SSH_KEYGEN, SSHD, tempDir, type TempDir } from './openssh-tools.js';
import { startSshd, type Sshd } from './sshd-fixture.js';
import { dataString, mountSsh } from './test-support.js';

/**
 * End to end against a real sshd: certificates from sign/:role and issue/:role must open (and,
 * when they should not, fail to open) an SSH session. sshd trusts only the CA keys served by
 * `public_key`.
 */
describe('ssh certificates against a real sshd', { ...needTools(SSH_KEYGEN, SSH, SSHD) }, () => {
  let dir: TempDir;
  let sshd: Sshd;
  let clock: FakeClock;
  let ed: EngineHarness;
  let rsa: EngineHarness;
  let userKey: { keyFile: string; publicKey: string };
  let hostCaLine: string;

  const role = (user: string) => ({
    key_type: 'ca',
    allowed_users: `${user},someone-else`,
    allow_user_certificates: true,
    default_extensions: { 'permit-pty': '' },
    max_ttl: '1h',
  });

  const sign = async (h: EngineHarness, body: Record<string, unknown>): Promise<string> =>
    dataString((await h.send('update', 'sign/login', { public_key: userKey.publicKey, ...body }))?.data, 'signed_key');

  const writeCert = (name: string, cert: string) => dir.write(`${name}.certificate`, cert);

  before(async () => {
    dir = await tempDir();
    clock = new FakeClock(Date.now());
    ed = await mountSsh({ ca: 'ed25519', clock });
    rsa = await mountSsh({ clock });
    await rsa.send('update', 'config/ca', { key_type: 'ssh-rsa', key_bits: 2048 });

    // sshd trusts both CAs, each exactly as its mount serves it (text/plain authorized_keys lines).
    const caLines = await Promise.all([ed, rsa].map(async (h) => String((await h.send('read', 'public_key'))?.raw?.body)));
    const trustedCaFile = await dir.write('trusted_user_ca_keys', caLines.join(''));

    // The host key is certified by the same engine, through a host role.
    const host = await keygen(dir, 'ed25519', 'ssh_host_ed25519_key');
    await ed.send('update', 'roles/hosts', { key_type: 'ca', allow_host_certificates: true, allowed_domains: '127.0.0.1', allow_bare_domains: true });
    const hostCert = dataString(
      (await ed.send('update', 'sign/hosts', { public_key: host.publicKey, cert_type: 'host', valid_principals: '127.0.0.1' }))?.data,
      'signed_key',
    );
    const hostCertificateFile = await dir.write('ssh_host_ed25519_key-cert.pub', hostCert);
    hostCaLine = caLines[0]!.trim();

    userKey = await keygen(dir, 'ed25519', 'id_user');
    sshd = await startSshd({ dir, trustedCaFile, hostKeyFile: host.keyFile, hostCertificateFile });
    await ed.send('update', 'roles/login', role(sshd.user));
    await rsa.send('update', 'roles/login', { ...role(sshd.user), algorithm_signer: 'rsa-sha2-256' });
  });

  after(async () => {
    await sshd?.stop();
    await dir?.dispose();
  });

  it('accepts a login with a certificate from sign/:role', async () => {
    clock.ms = Date.now();
    const cert = await writeCert('ok', await sign(ed, { valid_principals: sshd.user, ttl: '5m' }));
    const res = await sshd.login(userKey.keyFile, cert);
    assert.equal(res.code, 0, `${res.stderr}\n${sshd.log()}`);
    assert.match(sshd.log(), new RegExp(`Accepted publickey for ${sshd.user} from 127\\.0\\.0\\.1 .*ED25519-CERT`));
  });

  it('accepts an RSA CA signing with rsa-sha2-256', async () => {
    clock.ms = Date.now();
    const signed = await sign(rsa, { valid_principals: sshd.user, ttl: '5m' });
    const res = await sshd.login(userKey.keyFile, await writeCert('rsa-ca', signed));
    assert.equal(res.code, 0, `${res.stderr}\n${sshd.log()}`);
  });

  it('refuses a certificate whose principal is not the login user', async () => {
    clock.ms = Date.now();
    const before = sshd.log().length;
    const cert = await writeCert('other', await sign(ed, { valid_principals: 'someone-else', ttl: '5m' }));
    const res = await sshd.login(userKey.keyFile, cert);
    assert.equal(res.code, 255, res.stderr);
    assert.match(res.stderr, /Permission denied/);
    assert.match(sshd.log().slice(before), /not a listed principal|principal/i);
  });

  it('refuses a certificate whose validity window has passed (FakeClock, no sleep)', async () => {
    clock.ms = Date.now() - 2 * 3600 * 1000;
    const before = sshd.log().length;
    const cert = await writeCert('past', await sign(ed, { valid_principals: sshd.user, ttl: '10m' }));
    const res = await sshd.login(userKey.keyFile, cert);
    assert.equal(res.code, 255, res.stderr);
    assert.match(sshd.log().slice(before), /expired/i);
  });

  it('accepts a certificate, then refuses the same one once its TTL has run out', async () => {
    clock.ms = Date.now();
    const signed = await sign(ed, { valid_principals: sshd.user, ttl: 2 });
    const validBefore = sshpk.parseCertificate(signed, 'openssh').validUntil.getTime();
    const cert = await writeCert('short', signed);
    const first = await sshd.login(userKey.keyFile, cert);
    assert.equal(first.code, 0, `${first.stderr}\n${sshd.log()}`);
    // Bounded wait: at most ~3.5 s past the moment of signing.
    await sleep(Math.max(0, validBefore - Date.now()) + 1500);
    const before = sshd.log().length;
    const second = await sshd.login(userKey.keyFile, cert);
    assert.equal(second.code, 255, second.stderr);
    assert.match(sshd.log().slice(before), /expired/i);
  });

  it('logs in with a key pair from issue/:role', async () => {
    clock.ms = Date.now();
    const data = (await ed.send('update', 'issue/login', { valid_principals: sshd.user, ttl: '5m' }))?.data;
    const keyFile = await dir.write('issued_key', dataString(data, 'private_key'));
    const res = await sshd.login(keyFile, await writeCert('issued', dataString(data, 'signed_key')));
    assert.equal(res.code, 0, `${res.stderr}\n${sshd.log()}`);
  });

  it('lets a client verify the host by the host certificate and the CA alone', async () => {
    clock.ms = Date.now();
    const knownHosts = await dir.write('known_hosts', `@cert-authority [127.0.0.1]:${sshd.port} ${hostCaLine}\n`);
    const cert = await writeCert('strict', await sign(ed, { valid_principals: sshd.user, ttl: '5m' }));
    const res = await sshd.login(userKey.keyFile, cert, ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`]);
    assert.equal(res.code, 0, `${res.stderr}\n${sshd.log()}`);
  });

  it('never signs for a principal the role does not allow (400), so no such certificate exists', async () => {
    await rejectsVault(ed.send('update', 'sign/login', { public_key: userKey.publicKey, valid_principals: 'mallory' }), 400, '`mallory` is not a valid value for valid_principals');
  });
});
