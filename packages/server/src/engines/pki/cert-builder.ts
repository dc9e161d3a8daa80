import type { KeyObject } from 'node:crypto';
import { authorityKeyIdExtension, sanExtension, subjectKeyIdExtension, type SubjectAltNames } from './cert-extensions.js';
import { signingAlgorithm, signWithKey, type GeneratedKeyPair, type KeySpec } from './keys.js';
import { randomSerialHex } from './serial.js';
import { keyIdentifier } from './subject-public-key.js';
import { subjectName, type SubjectFields } from './subject-name.js';
import { asn1X509, AsnConvert, x509 } from './x509.js';

/**
 * Builds and signs X.509 certificates (RFC 5280 §4.1) from @peculiar/asn1-x509's objects, as
 * @peculiar/x509's X509CertificateGenerator does, minus what made issuing an EC leaf cost
 * ≈ 2.8 ms of CPU: x509 parses every extension, name and key it is handed back out of DER,
 * signs through WebCrypto on libuv's pool, converts the ECDSA signature, and parses the whole
 * certificate it has just encoded. Here the parts are asn1-x509 objects from the start (those
 * that repeat are cached by issuer-signer.ts), the TBSCertificate is signed with `crypto.sign`
 * (keys.ts), and the certificate is only encoded.
 */

/**
 * Who signs, as the builder needs it: derived once per issuer and key (issuer-signer.ts), or
 * from the new key itself for a root ({@link selfSigner}).
 */
export interface CertSigner {
  /** The issuer's subject, as in its certificate, so chain building matches it byte for byte. */
  readonly issuerName: asn1X509.Name;
  /** The authority key identifier of the certificates it signs. */
  readonly authorityKeyId: asn1X509.Extension;
  readonly signatureAlgorithm: asn1X509.AlgorithmIdentifier;
  readonly privateKey: KeyObject;
  readonly spec: KeySpec;
}

export interface CertificateRequest {
  /** Subject fields, or a Name taken as is (a CSR's, with `use_csr_values`). */
  subject: SubjectFields | asn1X509.Name;
  /** The subject's public key (subject-public-key.ts). */
  publicKey: asn1X509.SubjectPublicKeyInfo;
  notBefore: Date;
  notAfter: Date;
  sans: SubjectAltNames;
  /** basicConstraints and usages: caProfile or leafProfile (cert-extensions.ts). */
  profile: readonly asn1X509.Extension[];
  /** AIA and CRL distribution points: urlExtensions (cert-extensions.ts). */
  urlExtensions: readonly asn1X509.Extension[];
}

/** A signed certificate. */
export interface IssuedCertificate {
  der: ArrayBuffer;
  /** {@link certPem} of `der`. */
  pem: string;
  /** Plain lowercase hex, as parseSerial (serial.ts) normalises it. */
  serial: string;
}

/** The AlgorithmIdentifier of signatures by a key of `spec`, as x509's generator writes it. */
export const signatureAlgorithmId = (spec: KeySpec): asn1X509.AlgorithmIdentifier =>
  new x509.AlgorithmProvider().toAsnAlgorithm(signingAlgorithm(spec));

/** The signer of a self-signed root: its own subject and key. */
export function selfSigner(subject: asn1X509.Name, pair: GeneratedKeyPair, spec: KeySpec): CertSigner {
  return {
    issuerName: subject,
    authorityKeyId: authorityKeyIdExtension(keyIdentifier(pair.publicKeyInfo)),
    signatureAlgorithm: signatureAlgorithmId(spec),
    privateKey: pair.privateKey,
    spec,
  };
}

/**
 * Signs `req` with `signer` (a root passes {@link selfSigner}, and its own subject). Every
 * certificate gets the request's profile, a subject key id, an authority key id, its SANs and
 * the configured URLs, in that order (RFC 5280 §4.2).
 */
export async function buildCertificate(req: CertificateRequest, signer: CertSigner): Promise<IssuedCertificate> {
  const extensions = [...req.profile, subjectKeyIdExtension(keyIdentifier(req.publicKey)), signer.authorityKeyId];
  const san = sanExtension(req.sans);
  if (san) extensions.push(san);
  extensions.push(...req.urlExtensions);

  // INVARIANT: randomSerialHex's bytes are already a positive, minimal DER INTEGER, so the hex
  // is the serial as x509 and openssl report it.
  const serial = randomSerialHex();
  const tbsCertificate = new asn1X509.TBSCertificate({
    version: asn1X509.Version.v3,
    serialNumber: new Uint8Array(Buffer.from(serial, 'hex')).buffer,
    signature: signer.signatureAlgorithm,
    issuer: signer.issuerName,
    validity: new asn1X509.Validity({ notBefore: req.notBefore, notAfter: req.notAfter }),
    subject: req.subject instanceof asn1X509.Name ? req.subject : subjectName(req.subject),
    subjectPublicKeyInfo: req.publicKey,
    extensions: new asn1X509.Extensions(extensions),
  });
  const signature = await signWithKey(signer.privateKey, signer.spec, new Uint8Array(AsnConvert.serialize(tbsCertificate)));
  const der = AsnConvert.serialize(
    new asn1X509.Certificate({ tbsCertificate, signatureAlgorithm: signer.signatureAlgorithm, signatureValue: new Uint8Array(signature).buffer }),
  );
  return { der, pem: certPem(der), serial };
}

/** `-----BEGIN CERTIFICATE-----…` without a trailing newline, as Vault returns it. */
export const certPem = (der: ArrayBuffer): string => x509.PemConverter.encode(der, 'CERTIFICATE').trim();
