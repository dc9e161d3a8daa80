import type { UrlsConfig } from './pki-store.js';
import { asn1X509, AsnConvert, OctetString, x509 } from './x509.js';

/**
 * The extensions a CA or leaf certificate carries (RFC 5280 §4.2), as the asn1-x509 objects a
 * TBSCertificate holds. Those that stay the same across certificates (a role's usages, the
 * mount's URLs, an issuer's key id) are made with @peculiar/x509's extension classes and cached
 * by the caller (issuer-signer.ts); the two that change with every certificate, the subject key
 * id and the SANs, are made directly from their asn1-x509 objects, as those classes make them,
 * without their encode-parse round trips (≈ 150 µs for a SAN extension).
 */

/** Subject alternative names, already validated by the name policy. */
export interface SubjectAltNames {
  dns: string[];
  ip: string[];
  uri: string[];
  email: string[];
}

export const NO_SANS: SubjectAltNames = { dns: [], ip: [], uri: [], email: [] };

/** An extension made by @peculiar/x509 as the asn1-x509 object a TBSCertificate holds. */
const fromX509 = (extension: x509.Extension): asn1X509.Extension => AsnConvert.parse(extension.rawData, asn1X509.Extension);

/** A non-critical extension (the default, so not encoded) wrapping `value`'s DER. */
function nonCritical(extnID: string, value: object): asn1X509.Extension {
  return new asn1X509.Extension({ extnID, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** basicConstraints CA:TRUE (critical) and keyCertSign|cRLSign; `maxPathLength` -1 = no limit. */
export function caProfile(maxPathLength: number): asn1X509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, maxPathLength >= 0 ? maxPathLength : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ].map(fromX509);
}

/** basicConstraints CA:FALSE (critical), the key usages (critical) and extended key usages. */
export function leafProfile(keyUsage: number, extKeyUsage: string[]): asn1X509.Extension[] {
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (keyUsage !== 0) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
  if (extKeyUsage.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extKeyUsage, false));
  return extensions.map(fromX509);
}

/** The AIA (caIssuers, OCSP) and CRL distribution point extensions `config/urls` asks for. */
export function urlExtensions(urls: UrlsConfig): asn1X509.Extension[] {
  const extensions: x509.Extension[] = [];
  if (urls.issuing_certificates.length > 0 || urls.ocsp_servers.length > 0) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: [...urls.ocsp_servers], caIssuers: [...urls.issuing_certificates] }));
  }
  if (urls.crl_distribution_points.length > 0) {
    extensions.push(new x509.CRLDistributionPointsExtension([...urls.crl_distribution_points]));
  }
  return extensions.map(fromX509);
}

/** The authority key identifier of certificates signed by the key whose identifier is `keyId`. */
export const authorityKeyIdExtension = (keyId: Buffer): asn1X509.Extension =>
  fromX509(new x509.AuthorityKeyIdentifierExtension(keyId.toString('hex')));

/** The subject key identifier extension (as x509's SubjectKeyIdentifierExtension makes it). */
export const subjectKeyIdExtension = (keyId: Buffer): asn1X509.Extension =>
  nonCritical(asn1X509.id_ce_subjectKeyIdentifier, new asn1X509.SubjectKeyIdentifier(new Uint8Array(keyId)));

/**
 * The SAN extension, or undefined when there are none: DNS names, emails, IPs, then URIs, each
 * a GeneralName as x509's GeneralName makes it (asn1-x509 turns an IP string into its octets).
 */
export function sanExtension(sans: SubjectAltNames): asn1X509.Extension | undefined {
  const names = [
    ...sans.dns.map((dNSName) => new asn1X509.GeneralName({ dNSName })),
    ...sans.email.map((rfc822Name) => new asn1X509.GeneralName({ rfc822Name })),
    ...sans.ip.map((iPAddress) => new asn1X509.GeneralName({ iPAddress })),
    ...sans.uri.map((uniformResourceIdentifier) => new asn1X509.GeneralName({ uniformResourceIdentifier })),
  ];
  return names.length === 0 ? undefined : nonCritical(asn1X509.id_ce_subjectAltName, new asn1X509.SubjectAlternativeName(names));
}
