import { x509 } from './x509.js';
import { signingAlgorithm, type CryptoKey, type CryptoKeyPair, type KeySpec } from './keys.js';
import type { UrlsConfig } from './pki-store.js';

/**
 * Builds and signs X.509 certificates with @peculiar/x509: the one place that decides which
 * extensions a CA or leaf certificate carries (RFC 5280 §4.2).
 */

/** Subject alternative names, already validated by the name policy. */
export interface SubjectAltNames {
  dns: string[];
  ip: string[];
  uri: string[];
  email: string[];
}

/** Subject fields beyond the common name, as Vault's `ou`, `organization`, … fields. */
export interface SubjectFields {
  commonName: string;
  ou?: string[];
  organization?: string[];
  country?: string[];
  locality?: string[];
  province?: string[];
}

/**
 * Who signs: an issuer certificate and its key, parsed once per issuer (issuer-signer.ts), with
 * what every certificate it signs copies from it.
 */
export interface Signer {
  readonly certificate: x509.X509Certificate;
  readonly key: CryptoKey;
  readonly spec: KeySpec;
  /** The issuer's subject, reused as the issuer name so chain building matches byte for byte. */
  readonly name: x509.Name;
  /** The authority key identifier of the certificates it signs. */
  readonly authorityKeyId: x509.Extension;
}

export interface CertificateRequest {
  subject: SubjectFields | x509.Name;
  /** The subject's public key; SPKI DER when the caller generated the key itself. */
  publicKey: x509.PublicKey | CryptoKey | Uint8Array;
  /** The subject key identifier in hex when the caller already has it (see keys.ts subjectKeyId). */
  subjectKeyId?: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  sans: SubjectAltNames;
  /** basicConstraints and usages: {@link caProfile} or {@link leafProfile}. */
  profile: readonly x509.Extension[];
  /** AIA and CRL distribution points: {@link urlExtensions}. */
  urlExtensions: readonly x509.Extension[];
}

export const NO_SANS: SubjectAltNames = { dns: [], ip: [], uri: [], email: [] };

/** Subject fields as an x509 JSON name (CN last, as Vault orders the RDNs). */
export function subjectName(fields: SubjectFields): x509.JsonName {
  const rdns: x509.JsonName = [];
  const add = (type: string, values: string[] | undefined) => {
    for (const v of values ?? []) if (v !== '') rdns.push({ [type]: [v] });
  };
  add('C', fields.country);
  add('ST', fields.province);
  add('L', fields.locality);
  add('O', fields.organization);
  add('OU', fields.ou);
  if (fields.commonName !== '') rdns.push({ CN: [fields.commonName] });
  return rdns;
}

/** The SAN extension entries, or undefined when there are none. */
function sanExtension(sans: SubjectAltNames): x509.SubjectAlternativeNameExtension | undefined {
  const names: x509.JsonGeneralName[] = [
    ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...sans.email.map((value) => ({ type: 'email' as const, value })),
    ...sans.ip.map((value) => ({ type: 'ip' as const, value })),
    ...sans.uri.map((value) => ({ type: 'url' as const, value })),
  ];
  return names.length === 0 ? undefined : new x509.SubjectAlternativeNameExtension(names, false);
}

/** basicConstraints CA:TRUE (critical) and keyCertSign|cRLSign; `maxPathLength` -1 = no limit. */
export function caProfile(maxPathLength: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, maxPathLength >= 0 ? maxPathLength : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

/** basicConstraints CA:FALSE (critical), the key usages (critical) and extended key usages. */
export function leafProfile(keyUsage: number, extKeyUsage: string[]): x509.Extension[] {
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (keyUsage !== 0) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
  if (extKeyUsage.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extKeyUsage, false));
  return extensions;
}

/** The AIA (caIssuers, OCSP) and CRL distribution point extensions `config/urls` asks for. */
export function urlExtensions(urls: UrlsConfig): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  if (urls.issuing_certificates.length > 0 || urls.ocsp_servers.length > 0) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: [...urls.ocsp_servers], caIssuers: [...urls.issuing_certificates] }));
  }
  if (urls.crl_distribution_points.length > 0) {
    extensions.push(new x509.CRLDistributionPointsExtension([...urls.crl_distribution_points]));
  }
  return extensions;
}

/**
 * Signs `req` with `signer`, or self-signs with `selfKeys` (a root). Every certificate gets the
 * request's profile, a subject key id, an authority key id, its SANs and the configured URLs,
 * in that order (RFC 5280 §4.2).
 */
export async function buildCertificate(
  req: CertificateRequest,
  signer: Signer | { selfKeys: CryptoKeyPair; spec: KeySpec },
): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [...req.profile];
  extensions.push(
    req.subjectKeyId === undefined
      ? await x509.SubjectKeyIdentifierExtension.create(req.publicKey)
      : new x509.SubjectKeyIdentifierExtension(req.subjectKeyId),
  );
  extensions.push('selfKeys' in signer ? await x509.AuthorityKeyIdentifierExtension.create(signer.selfKeys.publicKey) : signer.authorityKeyId);
  const san = sanExtension(req.sans);
  if (san) extensions.push(san);
  extensions.push(...req.urlExtensions);

  const subject = req.subject instanceof x509.Name ? req.subject : new x509.Name(subjectName(req.subject));
  const common = {
    serialNumber: req.serialHex,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    extensions,
    subject,
    signingAlgorithm: signingAlgorithm(signer.spec),
  };
  if ('selfKeys' in signer) {
    return x509.X509CertificateGenerator.create({
      ...common,
      issuer: subject,
      publicKey: signer.selfKeys.publicKey,
      signingKey: signer.selfKeys.privateKey,
    });
  }
  return x509.X509CertificateGenerator.create({ ...common, issuer: signer.name, publicKey: req.publicKey, signingKey: signer.key });
}

/** `-----BEGIN CERTIFICATE-----…` without a trailing newline, as Vault returns it. */
export const certPem = (cert: x509.X509Certificate): string => cert.toString('pem').trim();
