import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { dataOf, mountPki, openssl, requireOpenssl, scratch, str } from './pki-test-kit.js';
import { x509 } from './x509.js';

async function rootWithRole(role: Record<string, unknown> = {}) {
  const h = await mountPki();
  const root = await dataOf(h, 'update', 'root/generate/internal', { common_name: 'Root', ttl: '8760h' });
  await h.send('update', 'roles/web', { allowed_domains: 'example.com', allow_subdomains: true, max_ttl: '720h', ...role });
  return { h, rootPem: str(root, 'certificate') };
}

describe('pki issue/:role', () => {
  it('returns Vault\'s fields and a certificate whose SANs and EKUs openssl shows', async (t) => {
    const { h, rootPem } = await rootWithRole({ ext_key_usage: ['CodeSigning'], allowed_uri_sans: ['spiffe://example.com/*'] });
    const res = await h.call('update', 'issue/web', {
      common_name: 'api.example.com',
      alt_names: 'www.example.com,mail.example.com',
      ip_sans: ['10.0.0.7'],
      uri_sans: 'spiffe://example.com/api',
      ttl: '24h',
    });
    assert.deepEqual(res.authz, { action: 'sign', resource: 'pki/roles/web' });
    const d = res.response!.data!;
    for (const key of ['certificate', 'issuing_ca', 'ca_chain', 'private_key', 'private_key_type', 'serial_number', 'expiration']) assert.ok(key in d, key);
    assert.equal(d['private_key_type'], 'ec');
    assert.equal(d['issuing_ca'], rootPem);
    assert.deepEqual(d['ca_chain'], [rootPem]);
    const cert = new x509.X509Certificate(str(d, 'certificate'));
    assert.equal(cert.notAfter.getTime() - cert.notBefore.getTime(), 24 * 3600 * 1000 + 30_000);
    assert.equal(cert.serialNumber.length, 40);
    // The certificate is stored, listed as xx:xx:… and readable by serial.
    assert.ok(((await dataOf(h, 'list', 'certs'))['keys'] as string[]).includes(str(d, 'serial_number')));
    assert.equal((await dataOf(h, 'read', `cert/${str(d, 'serial_number').replace(/:/g, '-')}`))['certificate'], d['certificate']);

    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    await s.write('leaf.pem', str(d, 'certificate'));
    await s.write('root.pem', rootPem);
    const text = await openssl(['x509', '-in', 'leaf.pem', '-noout', '-text'], s.dir);
    assert.equal(text.code, 0, text.stderr);
    for (const san of ['DNS:api.example.com', 'DNS:www.example.com', 'DNS:mail.example.com', 'IP Address:10.0.0.7', 'URI:spiffe://example.com/api']) {
      assert.ok(text.stdout.includes(san), `missing ${san}`);
    }
    assert.match(text.stdout, /TLS Web Server Authentication, TLS Web Client Authentication, Code Signing/);
    assert.match(text.stdout, /CA:FALSE/);
    const verify = await openssl(['verify', '-CAfile', 'root.pem', 'leaf.pem'], s.dir);
    assert.equal(verify.code, 0, verify.stderr);
  });

  for (const keyType of ['ec', 'ed25519', 'rsa'] as const) {
    it(`issues ${keyType} keys that match their certificate`, async (t) => {
      const { h, rootPem } = await rootWithRole({ key_type: keyType });
      const d = await dataOf(h, 'update', 'issue/web', { common_name: 'k.example.com' });
      assert.equal(d['private_key_type'], keyType);
      if (!requireOpenssl(t)) return;
      const s = await scratch(t);
      await s.write('leaf.pem', str(d, 'certificate'));
      await s.write('key.pem', str(d, 'private_key'));
      await s.write('root.pem', rootPem);
      const fromCert = await openssl(['x509', '-in', 'leaf.pem', '-noout', '-pubkey'], s.dir);
      const fromKey = await openssl(['pkey', '-in', 'key.pem', '-pubout'], s.dir);
      assert.equal(fromKey.code, 0, fromKey.stderr);
      assert.equal(fromCert.stdout, fromKey.stdout);
      assert.equal((await openssl(['verify', '-CAfile', 'root.pem', 'leaf.pem'], s.dir)).code, 0);
    });
  }

  it('refuses names, IP SANs, wildcards and TTLs the role does not allow, with 400', async () => {
    const { h } = await rootWithRole({ allow_ip_sans: false, allow_wildcard_certificates: false });
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'evil.com' }), 400, 'common name `evil.com` not allowed by this role');
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'a.example.com', alt_names: 'b.other.org' }), 400, /subject alternate name `b\.other\.org`/);
    await rejectsVault(h.send('update', 'issue/web', { common_name: '*.example.com' }), 400, /allow_wildcard_certificates/);
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'a.example.com', ip_sans: '10.1.2.3' }), 400, /ip subject alternative names are not allowed/);
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'a.example.com', ttl: '721h' }), 400, /greater than max_ttl/);
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'a.example.com', uri_sans: 'spiffe://x' }), 400, /uri subject alternative names/);
    await rejectsVault(h.send('update', 'issue/nope', { common_name: 'a.example.com' }), 400, /unknown role/);
    // The same requests pass once the role allows them: the refusals above are the policy's.
    await h.send('update', 'roles/web', { allow_ip_sans: true, allow_wildcard_certificates: true, max_ttl: '800h' });
    const ok = await dataOf(h, 'update', 'issue/web', { common_name: '*.example.com', ip_sans: '10.1.2.3', ttl: '721h' });
    assert.ok(str(ok, 'certificate').startsWith('-----BEGIN CERTIFICATE-----'));
  });

  it('refuses a leaf that would outlive its CA', async () => {
    const h = await mountPki();
    await h.send('update', 'root/generate/internal', { common_name: 'Root', ttl: '10h' });
    await h.send('update', 'roles/web', { allow_any_name: true });
    await rejectsVault(h.send('update', 'issue/web', { common_name: 'x.example.com', ttl: '11h' }), 400, /beyond the expiration of the ca/);
  });

  it('embeds config/urls as AIA and CRL distribution points', async (t) => {
    const { h } = await rootWithRole();
    await h.send('update', 'config/urls', {
      issuing_certificates: 'http://127.0.0.1:8200/v1/pki/ca',
      crl_distribution_points: 'http://127.0.0.1:8200/v1/pki/crl',
      ocsp_servers: 'http://127.0.0.1:8200/v1/pki/ocsp',
    });
    assert.deepEqual((await dataOf(h, 'read', 'config/urls'))['ocsp_servers'], ['http://127.0.0.1:8200/v1/pki/ocsp']);
    await rejectsVault(h.send('update', 'config/urls', { ocsp_servers: 'not a url' }), 400, /invalid url/);
    const d = await dataOf(h, 'update', 'issue/web', { common_name: 'u.example.com' });
    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    await s.write('leaf.pem', str(d, 'certificate'));
    const text = (await openssl(['x509', '-in', 'leaf.pem', '-noout', '-text'], s.dir)).stdout;
    assert.match(text, /CA Issuers - URI:http:\/\/127\.0\.0\.1:8200\/v1\/pki\/ca/);
    assert.match(text, /OCSP - URI:http:\/\/127\.0\.0\.1:8200\/v1\/pki\/ocsp/);
    assert.match(text, /X509v3 CRL Distribution Points:[\s\S]*URI:http:\/\/127\.0\.0\.1:8200\/v1\/pki\/crl/);
  });

  it('does not store certificates of a no_store role', async () => {
    const { h } = await rootWithRole({ no_store: true });
    const d = await dataOf(h, 'update', 'issue/web', { common_name: 'n.example.com' });
    await rejectsVault(h.send('read', `cert/${str(d, 'serial_number')}`), 404);
    await rejectsVault(h.send('update', 'revoke', { serial_number: str(d, 'serial_number') }), 400, /not found/);
  });
});

describe('pki sign/:role and sign-verbatim', () => {
  it('signs an openssl CSR under the role\'s name policy', async (t) => {
    if (!requireOpenssl(t)) return;
    const { h, rootPem } = await rootWithRole({ key_type: 'any' });
    const s = await scratch(t);
    const make = async (name: string, cn: string, keyArgs: string[]) => {
      const out = await openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], s.dir);
      assert.equal(out.code, 0, out.stderr);
      return readFile(`${s.dir}/${name}.csr`, 'utf8');
    };
    const rsaCsr = await make('rsa', 'svc.example.com', ['-newkey', 'rsa:2048']);
    const signed = await dataOf(h, 'update', 'sign/web', { csr: rsaCsr, ttl: '1h' });
    assert.equal(signed['private_key'], undefined);
    await s.write('svc.pem', str(signed, 'certificate'));
    await s.write('root.pem', rootPem);
    assert.equal((await openssl(['verify', '-CAfile', 'root.pem', 'svc.pem'], s.dir)).code, 0);
    const cert = new x509.X509Certificate(str(signed, 'certificate'));
    assert.equal(cert.subject, 'CN=svc.example.com');
    assert.equal(cert.publicKey.algorithm.name, 'RSASSA-PKCS1-v1_5');

    const evilCsr = await make('evil', 'evil.org', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    await rejectsVault(h.send('update', 'sign/web', { csr: evilCsr }), 400, /not allowed by this role/);
    // sign-verbatim keeps the CSR's names whatever the role says.
    const verbatim = await dataOf(h, 'update', 'sign-verbatim', { csr: evilCsr, ttl: '1h' });
    assert.equal(new x509.X509Certificate(str(verbatim, 'certificate')).subject, 'CN=evil.org');
  });

  it('refuses a CSR key of another type than the role\'s', async (t) => {
    if (!requireOpenssl(t)) return;
    const { h } = await rootWithRole({ key_type: 'ec' });
    const s = await scratch(t);
    await openssl(['req', '-new', '-newkey', 'ed25519', '-nodes', '-keyout', 'k', '-out', 'c.csr', '-subj', '/CN=e.example.com'], s.dir);
    const csr = await readFile(`${s.dir}/c.csr`, 'utf8');
    await rejectsVault(h.send('update', 'sign/web', { csr }), 400, /requires keys of type ec/);
  });
});
