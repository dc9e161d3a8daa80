import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { FakeClock, mountEngine, rejectsVault } from '../../framework/engine-harness.js';
import { certAuthEngine, EXPIRED, INVALID_CERTIFICATE, NO_CERTIFICATE, NO_MATCHING_CHAIN } from './index.js';
import { makeCa, makeCrl, makeLeaf, utf8Extension, type Issued } from './test-certs.js';

const mount = { path: 'auth/cert/', type: 'cert', kind: 'auth', accessor: 'auth_cert_1' } as const;
const NOW = new FakeClock().now();
const DAY = 86_400_000;

describe('cert auth', () => {
  let ca: Issued;
  let otherCa: Issued;
  let web: Issued;
  let stranger: Issued;
  let expired: Issued;
  let revoked: Issued;
  let selfSigned: Issued;
  let serverOnly: Issued;
  let tagged: Issued;

  before(async () => {
    ca = await makeCa('clients-ca', NOW);
    otherCa = await makeCa('other-ca', NOW);
    web = await makeLeaf(ca, NOW, {
      subject: 'CN=web.example.com, OU=payments',
      dns: ['web.example.com'],
      emails: ['ops@example.com'],
      uris: ['spiffe://example.com/web'],
      serial: '0a0b',
    });
    stranger = await makeLeaf(otherCa, NOW, { subject: 'CN=web.example.com, OU=payments' });
    expired = await makeLeaf(ca, NOW, { subject: 'CN=old', notBefore: NOW - 30 * DAY, notAfter: NOW - DAY });
    revoked = await makeLeaf(ca, NOW, { subject: 'CN=revoked', serial: '7777' });
    selfSigned = await makeLeaf(undefined, NOW, { subject: 'CN=robot' });
    serverOnly = await makeLeaf(ca, NOW, { subject: 'CN=server', usages: ['1.3.6.1.5.5.7.3.1'] });
    tagged = await makeLeaf(ca, NOW, { subject: 'CN=tagged', extra: [utf8Extension('1.2.3.4.5', 'team-blue')] });
  });

  const setup = async () => {
    const h = await mountEngine(certAuthEngine, mount);
    await h.send('update', 'certs/Web', { certificate: ca.pem, token_policies: 'web', token_ttl: '1h', display_name: null });
    return h;
  };
  const login = (h: Awaited<ReturnType<typeof setup>>, c: Issued | undefined, body: Record<string, unknown> = {}) =>
    h.send('update', 'login', body, c ? { clientCertificate: c.der } : {});

  it('trusts a CA, reads, lists and deletes entries', async () => {
    const h = await setup();
    const read = (await h.send('read', 'certs/web'))?.data;
    assert.equal(read?.['certificate'], ca.pem);
    assert.equal(read?.['display_name'], 'web');
    assert.deepEqual(read?.['token_policies'], ['web']);
    assert.equal(read?.['token_ttl'], 3600);
    assert.deepEqual((await h.send('list', 'certs'))?.data, { keys: ['web'] });
    await rejectsVault(h.send('update', 'certs/bad', { certificate: 'not a pem' }), 400, 'failed to parse certificate');
    await rejectsVault(h.send('update', 'certs/nocert', {}), 400, 'failed to parse certificate');
    await rejectsVault(
      h.send('update', 'certs/server', { certificate: serverOnly.pem }),
      400,
      'nonCA certificates should have TLS client authentication set as an extended key usage',
    );
    await h.send('delete', 'certs/web');
    await rejectsVault(h.send('read', 'certs/web'), 404);
    await rejectsVault(h.send('list', 'certs'), 404);
    assert.ok(h.engine.unauthenticated?.includes('login'));
  });

  it('logs in with a leaf the CA signed: Service principal, CN alias, Vault metadata', async () => {
    const h = await setup();
    const auth = (await login(h, web))?.auth;
    assert.ok(auth);
    assert.deepEqual(auth.principal, { type: 'Service', id: 'web' });
    assert.deepEqual(auth.policies, ['web']);
    assert.equal(auth.ttl, 3600);
    assert.equal(auth.displayName, 'web');
    assert.deepEqual(auth.alias, { name: 'web.example.com' });
    assert.equal(auth.metadata?.['cert_name'], 'web');
    assert.equal(auth.metadata?.['common_name'], 'web.example.com');
    assert.equal(auth.metadata?.['serial_number'], String(0x0a0b));
    assert.match(auth.metadata?.['subject_key_id'] ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    assert.match(auth.metadata?.['authority_key_id'] ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    assert.equal(auth.internal?.['certName'], 'web');
    // Naming the entry works; naming another or an unknown one does not.
    assert.ok((await login(h, web, { name: 'WEB' }))?.auth);
    await rejectsVault(login(h, web, { name: 'nope' }), 400, INVALID_CERTIFICATE);
  });

  it('refuses a request without a certificate, a foreign CA, an expired and a revoked leaf', async () => {
    const h = await setup();
    await rejectsVault(login(h, undefined), 400, NO_CERTIFICATE);
    await rejectsVault(login(h, stranger), 400, INVALID_CERTIFICATE);
    await rejectsVault(login(h, expired), 400, EXPIRED);
    await rejectsVault(login(h, serverOnly), 400, /incompatible key usage/);
    assert.ok((await login(h, revoked))?.auth, 'valid before the CRL');
    await h.send('update', 'crls/ours', { crl: await makeCrl(ca, NOW, ['7777']) });
    assert.deepEqual((await h.send('read', 'crls/ours'))?.data, { serials: { [String(0x7777)]: {} } });
    assert.deepEqual((await h.send('list', 'crls'))?.data, { keys: ['ours'] });
    await rejectsVault(login(h, revoked), 400, NO_MATCHING_CHAIN);
    assert.ok((await login(h, web))?.auth, 'other serials still log in');
    await h.send('delete', 'crls/ours');
    assert.ok((await login(h, revoked))?.auth, 'valid again once the CRL is gone');
    await rejectsVault(h.send('delete', 'crls/ours'), 400);
    await rejectsVault(h.send('update', 'crls/bad', { crl: 'garbage' }), 400, 'failed to parse CRL');
    // A revoked CA refuses everything it signed.
    await h.send('update', 'crls/root', { crl: await makeCrl(ca, NOW, [ca.cert.serialNumber]) });
    await rejectsVault(login(h, web), 400, NO_MATCHING_CHAIN);
  });

  it('refuses a CA outside its validity window', async () => {
    const h = await setup();
    h.clock.advance(400 * 86_400);
    await rejectsVault(login(h, web), 400, EXPIRED);
  });

  it('trusts an exact leaf, and only that leaf', async () => {
    const h = await mountEngine(certAuthEngine, mount);
    await h.send('update', 'certs/robot', { certificate: selfSigned.pem, token_policies: ['bots'] });
    const auth = (await login(h, selfSigned))?.auth;
    assert.deepEqual(auth?.principal, { type: 'Service', id: 'robot' });
    assert.deepEqual(auth?.alias, { name: 'robot' });
    const twin = await makeLeaf(undefined, NOW, { subject: 'CN=robot' });
    await rejectsVault(login(h, twin), 400, INVALID_CERTIFICATE);
  });

  it('applies the allowed_* constraints with globs', async () => {
    const h = await setup();
    const cases: [Record<string, unknown>, boolean][] = [
      [{ allowed_names: ['*.example.com'] }, true],
      [{ allowed_names: ['ops@*'] }, true],
      [{ allowed_names: ['db.*'] }, false],
      [{ allowed_common_names: ['web.*'] }, true],
      [{ allowed_common_names: ['api.*'] }, false],
      [{ allowed_dns_sans: ['web.example.com'] }, true],
      [{ allowed_dns_sans: ['*.other.org'] }, false],
      [{ allowed_email_sans: ['*@example.com'] }, true],
      [{ allowed_email_sans: ['root@*'] }, false],
      [{ allowed_uri_sans: ['spiffe://example.com/*'] }, true],
      [{ allowed_uri_sans: ['spiffe://other/*'] }, false],
      [{ allowed_organizational_units: ['pay*'] }, true],
      [{ allowed_organizational_units: ['hr'] }, false],
    ];
    for (const [constraint, ok] of cases) {
      await h.send('update', 'certs/web', { certificate: ca.pem, allowed_names: [], allowed_common_names: [], allowed_dns_sans: [], allowed_email_sans: [], allowed_uri_sans: [], allowed_organizational_units: [], ...constraint });
      if (ok) assert.ok((await login(h, web))?.auth, JSON.stringify(constraint));
      else await rejectsVault(login(h, web), 400, NO_MATCHING_CHAIN);
    }
  });

  it('checks required_extensions and copies allowed_metadata_extensions', async () => {
    const h = await setup();
    await h.send('update', 'certs/web', { required_extensions: ['1.2.3.4.5:team-*'], allowed_metadata_extensions: ['1.2.3.4.5'] });
    const auth = (await login(h, tagged))?.auth;
    assert.equal(auth?.metadata?.['1-2-3-4-5'], 'team-blue');
    await rejectsVault(login(h, web), 400, NO_MATCHING_CHAIN);
    await h.send('update', 'certs/web', { required_extensions: ['1.2.3.4.5:team-red'] });
    await rejectsVault(login(h, tagged), 400, NO_MATCHING_CHAIN);
    await rejectsVault(h.send('update', 'certs/web', { required_extensions: ['no-oid'] }), 400);
  });

  it('picks the entry whose CA signed the leaf, and honours token_bound_cidrs', async () => {
    const h = await setup();
    await h.send('update', 'certs/other', { certificate: otherCa.pem, token_policies: 'other', token_bound_cidrs: ['10.0.0.0/8'] });
    assert.deepEqual((await login(h, web))?.auth?.principal, { type: 'Service', id: 'web' });
    await rejectsVault(login(h, stranger), 403);
    const viaCidr = await h.send('update', 'login', {}, { clientCertificate: stranger.der, remoteAddress: '10.1.1.1' });
    assert.deepEqual(viaCidr?.auth?.principal, { type: 'Service', id: 'other' });
  });

  it('puts metadata on the alias when enable_identity_alias_metadata is set', async () => {
    const h = await setup();
    assert.deepEqual((await h.send('read', 'config'))?.data?.['enable_identity_alias_metadata'], false);
    await h.send('update', 'config', { enable_identity_alias_metadata: true, disable_binding: null });
    const auth = (await login(h, web))?.auth;
    assert.equal(auth?.alias?.metadata?.['cert_name'], 'web');
    assert.equal((await h.send('read', 'config'))?.data?.['enable_identity_alias_metadata'], true);
  });
});
