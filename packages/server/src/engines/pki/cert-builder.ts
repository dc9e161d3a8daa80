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

/** Who signs: an issuer certificate and its key, or nobody (self-signed). */
export interface Signer {
  certificate: x509.X509Certificate;
  key: CryptoKey;
  spec: KeySpec;
}

export interface CertificateRequest {
  subject: SubjectFields | x509.Name;
  publicKey: x509.PublicKey | CryptoKey;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  sans: SubjectAltNames;
  /** Present for CA certificates; -1 = no path length constraint. */
  ca?: { maxPathLength: number };
  keyUsage?: number;
  extKeyUsage?: string[];
  urls: UrlsConfig;
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

/**
 * Signs `req` with `signer`, or self-signs with `selfKeys` (a root). CA certificates get
 * basicConstraints CA:TRUE (critical) and keyCertSign|cRLSign; every certificate gets a subject
 * key id, an authority key id and, when configured, AIA and CRL distribution points.
 */
export async function buildCertificate(
  req: CertificateRequest,
  signer: Signer | { selfKeys: CryptoKeyPair; spec: KeySpec },
): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [];
  if (req.ca) {
    const pathLen = req.ca.maxPathLength >= 0 ? req.ca.maxPathLength : undefined;
    extensions.push(new x509.BasicConstraintsExtension(true, pathLen, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    if (req.keyUsage !== undefined && req.keyUsage !== 0) extensions.push(new x509.KeyUsagesExtension(req.keyUsage, true));
    if (req.extKeyUsage && req.extKeyUsage.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(req.extKeyUsage, false));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(req.publicKey));
  const issuerPublicKey = 'selfKeys' in signer ? signer.selfKeys.publicKey : signer.certificate.publicKey;
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerPublicKey));
  const san = sanExtension(req.sans);
  if (san) extensions.push(san);
  if (req.urls.issuing_certificates.length > 0 || req.urls.ocsp_servers.length > 0) {
    extensions.push(
      new x509.AuthorityInfoAccessExtension({ ocsp: req.urls.ocsp_servers, caIssuers: req.urls.issuing_certificates }),
    );
  }
  if (req.urls.crl_distribution_points.length > 0) {
    extensions.push(new x509.CRLDistributionPointsExtension(req.urls.crl_distribution_points));
  }

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
  // The issuer name is copied from the issuer's certificate so chain building matches byte for byte.
  const issuer = new x509.Name(signer.certificate.subjectName.toArrayBuffer());
  return x509.X509CertificateGenerator.create({ ...common, issuer, publicKey: req.publicKey, signingKey: signer.key });
}

/** `-----BEGIN CERTIFICATE-----…` without a trailing newline, as Vault returns it. */
export const certPem = (cert: x509.X509Certificate): string => cert.toString('pem').trim();
