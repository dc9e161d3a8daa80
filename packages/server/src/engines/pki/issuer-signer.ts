import { invalidRequest } from '../../errors.js';
import { leafProfile, urlExtensions, type Signer } from './cert-builder.js';
import { importPrivateKey } from './keys.js';
import type { IssuerRecord, PkiStore } from './pki-store.js';
import type { Role } from './role.js';
import { extKeyUsageOids, keyUsageFlags } from './usages.js';
import { x509 } from './x509.js';

/**
 * What signing needs, derived once from the records it comes from and kept beside them in the
 * mount's PkiCache: parsing the issuer certificate and importing its key cost ≈ 2 ms of ASN.1 and
 * WebCrypto work per request before (BENCHMARKS.md, issue 7). A rewritten record is a new
 * object, so nothing derived from the old one is used again; all of it goes on seal and unmount.
 */

/** The parts of a signer that come from the issuer certificate alone. */
interface ParsedIssuer {
  readonly certificate: x509.X509Certificate;
  readonly name: x509.Name;
  readonly authorityKeyId: x509.Extension;
}

async function parseIssuer(pem: string): Promise<ParsedIssuer> {
  const certificate = new x509.X509Certificate(pem);
  return {
    certificate,
    name: new x509.Name(certificate.subjectName.toArrayBuffer()),
    authorityKeyId: await x509.AuthorityKeyIdentifierExtension.create(certificate.publicKey),
  };
}

/** An issuer's certificate and signing key. Throws 400 for an issuer imported without a key. */
export async function loadSigner(store: PkiStore, issuer: IssuerRecord): Promise<Signer> {
  const key = issuer.keyId === '' ? undefined : await store.key(issuer.keyId);
  if (!key) throw invalidRequest(`issuer \`${issuer.name || issuer.id}\` has no private key to sign with`);
  const [parsed, signingKey] = await Promise.all([
    store.cache.derived(issuer, 'parsed', () => parseIssuer(issuer.certificate)),
    store.cache.derived(key, 'signingKey', () => importPrivateKey(key.pkcs8, key)),
  ]);
  return { ...parsed, key: signingKey, spec: { type: key.type, bits: key.bits } };
}

/** The basicConstraints / key usage / extended key usage extensions of a role's leaves (400 on a bad usage). */
export function roleProfile(store: PkiStore, role: Role): readonly x509.Extension[] {
  return store.cache.derived(role, 'profile', () => leafProfile(keyUsageFlags(role.key_usage), extKeyUsageOids(role)));
}

/** The AIA and CRL distribution point extensions of the mount's `config/urls`. */
export async function configuredUrlExtensions(store: PkiStore): Promise<readonly x509.Extension[]> {
  const urls = await store.urls();
  return store.cache.derived(urls, 'extensions', () => urlExtensions(urls));
}
