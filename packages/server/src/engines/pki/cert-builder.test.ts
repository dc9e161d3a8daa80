import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { describe, it } from 'node:test';
import { signingAlgorithm, type KeySpec } from './keys.js';
import { dataOf, mountPki, str } from './pki-test-kit.js';
import { asn1X509, AsnConvert, x509 } from './x509.js';

/** A certificate's TBSCertificate exactly as encoded in it. */
const tbsOf = (cert: x509.X509Certificate): Buffer => Buffer.from(AsnConvert.parse(cert.rawData, asn1X509.Certificate).tbsCertificateRaw!);

const URLS = { issuing_certificates: ['http://ca.example/ca'], crl_distribution_points: ['http://ca.example/crl'], ocsp_servers: ['http://ca.example/ocsp'] };

/**
 * x509's own generator, given the same inputs, as the engine used it before cert-builder.ts
 * assembled certificates itself: what is signed must come out identical.
 */
async function x509Generated(params: {
  like: x509.X509Certificate;
  subject: x509.JsonName;
  issuer: x509.X509Certificate | 'self';
  signingKey: webcrypto.CryptoKey;
  spec: KeySpec;
  profile: x509.Extension[];
  tail: x509.Extension[];
}): Promise<x509.X509Certificate> {
  const { like } = params;
  const issuerKey = params.issuer === 'self' ? like.publicKey : params.issuer.publicKey;
  return x509.X509CertificateGenerator.create({
    serialNumber: like.serialNumber,
    notBefore: like.notBefore,
    notAfter: like.notAfter,
    subject: params.subject,
    issuer: params.issuer === 'self' ? params.subject : params.issuer.subjectName,
    publicKey: like.publicKey,
    signingKey: params.signingKey,
    signingAlgorithm: signingAlgorithm(params.spec),
    extensions: [
      ...params.profile,
      await x509.SubjectKeyIdentifierExtension.create(like.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuerKey),
      ...params.tail,
    ],
  });
}

describe('pki certificate builder', () => {
  const specs: KeySpec[] = [
    { type: 'ec', bits: 256 },
    { type: 'ec', bits: 384 },
    { type: 'ed25519', bits: 0 },
    { type: 'rsa', bits: 2048 },
  ];
  for (const spec of specs) {
    it(`signs what x509's generator would, byte for byte, with a ${spec.type} ${spec.bits || ''} root`, async () => {
      const h = await mountPki();
      const root = await dataOf(h, 'update', 'root/generate/exported', {
        common_name: 'Root CA',
        organization: 'Example Org',
        country: 'FR',
        key_type: spec.type,
        key_bits: spec.bits,
        private_key_format: 'pkcs8',
      });
      await h.send('update', 'config/urls', URLS);
      await h.send('update', 'roles/web', {
        allowed_domains: 'example.com',
        allow_subdomains: true,
        organization: 'Example Org',
        ou: 'Équipe Web',
        allowed_uri_sans: 'spiffe://example.com/*',
        ext_key_usage: ['CodeSigning'],
        no_store: true,
      });
      const issued = await dataOf(h, 'update', 'issue/web', {
        common_name: 'a.example.com',
        alt_names: 'b.example.com',
        ip_sans: '10.0.0.7,::1',
        uri_sans: 'spiffe://example.com/a',
      });
      const rootCert = new x509.X509Certificate(str(root, 'certificate'));
      const leaf = new x509.X509Certificate(str(issued, 'certificate'));
      assert.ok(await rootCert.isSelfSigned());
      assert.ok(await leaf.verify({ publicKey: rootCert.publicKey, signatureOnly: true }));

      const signingKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(str(root, 'private_key')), signingAlgorithm(spec), false, ['sign']);
      const expectedRoot = await x509Generated({
        like: rootCert,
        subject: [{ C: ['FR'] }, { O: ['Example Org'] }, { CN: ['Root CA'] }],
        issuer: 'self',
        signingKey,
        spec,
        profile: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ],
        tail: [],
      });
      assert.deepEqual(tbsOf(rootCert), tbsOf(expectedRoot));

      const expectedLeaf = await x509Generated({
        like: leaf,
        subject: [{ O: ['Example Org'] }, { OU: ['Équipe Web'] }, { CN: ['a.example.com'] }],
        issuer: rootCert,
        signingKey,
        spec,
        profile: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.codeSigning]),
        ],
        tail: [
          new x509.SubjectAlternativeNameExtension([
            { type: 'dns', value: 'a.example.com' },
            { type: 'dns', value: 'b.example.com' },
            { type: 'ip', value: '10.0.0.7' },
            { type: 'ip', value: '::1' },
            { type: 'url', value: 'spiffe://example.com/a' },
          ]),
          new x509.AuthorityInfoAccessExtension({ ocsp: URLS.ocsp_servers, caIssuers: URLS.issuing_certificates }),
          new x509.CRLDistributionPointsExtension(URLS.crl_distribution_points),
        ],
      });
      assert.deepEqual(tbsOf(leaf), tbsOf(expectedLeaf));
      assert.equal(str(issued, 'certificate'), leaf.toString('pem').trim());
    });
  }
});
