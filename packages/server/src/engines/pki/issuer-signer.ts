import { invalidRequest } from '../../errors.js';
import { signatureAlgorithmId, type CertSigner } from './cert-builder.js';
import { authorityKeyIdExtension, leafProfile, urlExtensions } from './cert-extensions.js';
import { importPrivateKey, importSigningKey, type CryptoKey } from './keys.js';
import type { IssuerRecord, PkiStore } from './pki-store.js';
import type { Role } from './role.js';
import { keyIdentifier, publicKeyInfo } from './subject-public-key.js';
import { extKeyUsageOids, keyUsageFlags } from './usages.js';
import { asn1X509, AsnConvert, x509 } from './x509.js';

/**
 * What signing needs, derived once from the records it comes from and kept beside them in the
 * mount's PkiCache: parsing the issuer certificate and importing its key cost ≈ 2 ms of ASN.1 and
 * WebCrypto work per request before (BENCHMARKS.md, issue 7). A rewritten record is a new
 * object, so nothing derived from the old one is used again; all of it goes on seal and unmount.
 */

/** An issuer able to sign: certificates through {@link CertSigner}, CRLs through WebCrypto. */
export interface Signer extends CertSigner {
  readonly certificate: x509.X509Certificate;
  /** The same private key for WebCrypto, which x509's CRL generator signs with (crl-builder.ts). */
  readonly cryptoKey: CryptoKey;
}

/** The parts of a signer that come from the issuer certificate alone. */
interface ParsedIssuer {
  readonly certificate: x509.X509Certificate;
  readonly issuerName: asn1X509.Name;
  readonly authorityKeyId: asn1X509.Extension;
}

function parseIssuer(pem: string): ParsedIssuer {
  const certificate = new x509.X509Certificate(pem);
  // RFC 5280 §4.2.1.1: a certificate's authority key id is its issuer's subject key id. An issuer
  // signed elsewhere (intermediate/set-signed) may carry one made by another method than ours,
  // and verifiers refuse a mismatch, so it is copied (as Vault does); computed only when absent.
  const own = certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const keyId = own !== undefined && own !== '' ? Buffer.from(own, 'hex') : keyIdentifier(publicKeyInfo(certificate.publicKey.rawData));
  return {
    certificate,
    issuerName: AsnConvert.parse(certificate.subjectName.toArrayBuffer(), asn1X509.Name),
    authorityKeyId: authorityKeyIdExtension(keyId),
  };
}

/** An issuer's certificate and signing key. Throws 400 for an issuer imported without a key. */
export async function loadSigner(store: PkiStore, issuer: IssuerRecord): Promise<Signer> {
  const key = issuer.keyId === '' ? undefined : await store.key(issuer.keyId);
  if (!key) throw invalidRequest(`issuer \`${issuer.name || issuer.id}\` has no private key to sign with`);
  const parsed = store.cache.derived(issuer, 'parsed', () => parseIssuer(issuer.certificate));
  const signing = store.cache.derived(key, 'signing', () => ({ privateKey: importSigningKey(key.pkcs8), signatureAlgorithm: signatureAlgorithmId(key) }));
  const cryptoKey = await store.cache.derived(key, 'cryptoKey', () => importPrivateKey(key.pkcs8, key));
  return { ...parsed, ...signing, cryptoKey, spec: { type: key.type, bits: key.bits } };
}

/** The basicConstraints / key usage / extended key usage extensions of a role's leaves (400 on a bad usage). */
export function roleProfile(store: PkiStore, role: Role): readonly asn1X509.Extension[] {
  return store.cache.derived(role, 'profile', () => leafProfile(keyUsageFlags(role.key_usage), extKeyUsageOids(role)));
}

/** The AIA and CRL distribution point extensions of the mount's `config/urls`. */
export async function configuredUrlExtensions(store: PkiStore): Promise<readonly asn1X509.Extension[]> {
  const urls = await store.urls();
  return store.cache.derived(urls, 'extensions', () => urlExtensions(urls));
}
