/** Test-only: certificates and CRLs built with @peculiar/x509 on Node's WebCrypto (ECDSA P-256). */
import { webcrypto } from 'node:crypto';
import { x509 } from './x509.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Issued {
  readonly cert: InstanceType<typeof x509.X509Certificate>;
  readonly keys: CryptoKeyPair;
  readonly der: Uint8Array;
  readonly pem: string;
}

const issued = (cert: InstanceType<typeof x509.X509Certificate>, keys: CryptoKeyPair): Issued => ({
  cert,
  keys,
  der: new Uint8Array(cert.rawData),
  pem: cert.toString('pem'),
});

const newKeys = () => webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

let serial = 0x1000;
const nextSerial = () => (serial++).toString(16).padStart(4, '0');

export async function makeCa(cn: string, now: number): Promise<Issued> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${cn}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return issued(cert, keys);
}

export interface LeafOptions {
  /** Distinguished name, e.g. `CN=web, OU=payments`. */
  subject: string;
  dns?: string[];
  emails?: string[];
  uris?: string[];
  notBefore?: number;
  notAfter?: number;
  /** EKU OIDs; clientAuth by default. */
  usages?: string[];
  extra?: InstanceType<typeof x509.Extension>[];
  serial?: string;
}

/** A leaf signed by `ca`, or self-signed when `ca` is undefined. */
export async function makeLeaf(ca: Issued | undefined, now: number, o: LeafOptions): Promise<Issued> {
  const keys = await newKeys();
  const names: { type: 'dns' | 'email' | 'url'; value: string }[] = [
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const extensions = [
    new x509.BasicConstraintsExtension(false),
    new x509.ExtendedKeyUsageExtension(o.usages ?? [x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ...(ca ? [await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey)] : []),
    ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ...(o.extra ?? []),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: o.serial ?? nextSerial(),
    subject: o.subject,
    issuer: ca ? ca.cert.subject : o.subject,
    notBefore: new Date(o.notBefore ?? now - DAY),
    notAfter: new Date(o.notAfter ?? now + 30 * DAY),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: ca ? ca.keys.privateKey : keys.privateKey,
    extensions,
  });
  return issued(cert, keys);
}

export async function makeCrl(ca: Issued, now: number, revokedSerialsHex: string[]): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subject,
    thisUpdate: new Date(now - DAY),
    nextUpdate: new Date(now + DAY),
    entries: revokedSerialsHex.map((serialNumber) => ({ serialNumber, revocationDate: new Date(now - DAY) })),
    signingAlgorithm: alg,
    signingKey: ca.keys.privateKey,
  });
  return crl.toString('pem');
}

/** A non-critical extension whose value is a DER UTF8String. */
export function utf8Extension(oid: string, value: string): InstanceType<typeof x509.Extension> {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 127) throw new Error('test helper: value too long');
  return new x509.Extension(oid, false, new Uint8Array([0x0c, bytes.length, ...bytes]));
}
