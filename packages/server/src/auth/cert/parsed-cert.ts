import { X509Certificate as NodeX509 } from 'node:crypto';
import { x509 } from './x509.js';

/** OIDs of extended key usages that allow TLS client authentication (RFC 5280 §4.2.1.12). */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

/**
 * What the cert auth method reads from a certificate. Names come from @peculiar/x509 (it parses
 * SANs and extensions structurally); signatures and issuer checks from Node's X509Certificate.
 */
export interface ParsedCert {
  readonly der: Uint8Array;
  readonly node: NodeX509;
  readonly commonName: string;
  readonly organizationalUnits: readonly string[];
  readonly dnsNames: readonly string[];
  readonly emailAddresses: readonly string[];
  readonly uris: readonly string[];
  /** Decimal, as Vault prints `serial_number` (Go's big.Int String). */
  readonly serialDecimal: string;
  /** Lowercase hex bytes joined by `:`, as Vault's certutil.GetHexFormatted. Empty when absent. */
  readonly subjectKeyId: string;
  readonly authorityKeyId: string;
  readonly isCA: boolean;
  /** Extended key usage OIDs; undefined when the extension is absent. */
  readonly extKeyUsages: readonly string[] | undefined;
  readonly notBefore: number;
  readonly notAfter: number;
  /** OID → the extension's value read as an ASN.1 string (Vault's `required_extensions` reading). */
  readonly extensionStrings: ReadonlyMap<string, string>;
}

const hexColons = (hex: string | undefined) => (hex ?? '').toLowerCase().match(/../g)?.join(':') ?? '';

export function parseDer(der: Uint8Array): ParsedCert {
  const cert = new x509.X509Certificate(der);
  const node = new NodeX509(der);
  const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const ofType = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const extensionStrings = new Map<string, string>();
  for (const ext of cert.extensions) extensionStrings.set(ext.type, asn1String(new Uint8Array(ext.value)));
  return {
    der,
    node,
    // Go keeps the last CN attribute of the subject; so do we.
    commonName: cert.subjectName.getField('CN').at(-1) ?? '',
    organizationalUnits: cert.subjectName.getField('OU'),
    dnsNames: ofType('dns'),
    emailAddresses: ofType('email'),
    uris: ofType('url'),
    serialDecimal: BigInt(`0x${cert.serialNumber || '0'}`).toString(10),
    subjectKeyId: hexColons(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId),
    authorityKeyId: hexColons(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId),
    isCA: cert.getExtension(x509.BasicConstraintsExtension)?.ca === true,
    extKeyUsages: eku?.usages.map(String),
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
    extensionStrings,
  };
}

/** Every CERTIFICATE block of a PEM text, parsed; unparsable blocks are skipped, as in Vault. */
export function parsePem(pem: string): ParsedCert[] {
  const out: ParsedCert[] = [];
  const re = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END (?:TRUSTED )?CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) {
    try {
      out.push(parseDer(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'))));
    } catch {
      // not a certificate: skipped
    }
  }
  return out;
}

/** True when the certificate has no EKU extension or one allowing client authentication. */
export const allowsClientAuth = (c: ParsedCert) =>
  c.extKeyUsages === undefined || c.extKeyUsages.includes(CLIENT_AUTH) || c.extKeyUsages.includes(ANY_EKU);

/**
 * The value of a DER string type (UTF8String, PrintableString, IA5String, NumericString, T61String, VisibleString) as text, or '' when
 * it is something else: what Go's `asn1.Unmarshal(value, &string)` yields in Vault.
 */
function asn1String(der: Uint8Array): string {
  const tag = der[0];
  if (tag === undefined || ![0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a].includes(tag)) return '';
  let len = der[1] ?? 0;
  let at = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 3) return '';
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (der[2 + i] ?? 0);
    at = 2 + n;
  }
  if (at + len !== der.length) return '';
  return Buffer.from(der.subarray(at)).toString(tag === 0x0c ? 'utf8' : 'latin1');
}
