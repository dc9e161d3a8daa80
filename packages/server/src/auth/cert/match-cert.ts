import { timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import { listCerts, normaliseName, readCert, revokedSerials, type CertEntry } from './cert-entry.js';
import { globMatch } from '../glob.js';
import { allowsClientAuth, parseDer, parsePem, type ParsedCert } from './parsed-cert.js';

/** Vault's answers (builtin/credential/cert/path_login.go); all 400. */
export const NO_CERTIFICATE = 'client certificate must be supplied';
export const INVALID_CERTIFICATE = 'invalid certificate or no client certificate supplied';
export const NO_MATCHING_CHAIN = 'no chain matching all constraints could be found for this login certificate';
export const EXPIRED = "failed to verify client's certificate: certificate has expired or is not yet valid";
export const WRONG_USAGE = "failed to verify client's certificate: certificate specifies an incompatible key usage";

export interface CertMatch {
  readonly entry: CertEntry;
  readonly client: ParsedCert;
}

interface Trusted {
  readonly entry: CertEntry;
  readonly certs: readonly ParsedCert[];
}

const sameDer = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);
const within = (c: ParsedCert, now: number) => c.notBefore <= now && now <= c.notAfter;

/** Empty patterns allow everything; otherwise one pattern must match one value. */
const anyMatch = (patterns: readonly string[], values: readonly string[]) =>
  patterns.length === 0 || patterns.some((p) => values.some((v) => globMatch(p, v)));

function matchesConstraints(client: ParsedCert, chain: readonly ParsedCert[], entry: CertEntry, revoked: ReadonlySet<string>): boolean {
  if (chain.some((c) => revoked.has(c.serialDecimal))) return false;
  return (
    anyMatch(entry.allowedNames, [client.commonName, ...client.dnsNames, ...client.emailAddresses]) &&
    anyMatch(entry.allowedCommonNames, [client.commonName]) &&
    anyMatch(entry.allowedDnsSans, client.dnsNames) &&
    anyMatch(entry.allowedEmailSans, client.emailAddresses) &&
    anyMatch(entry.allowedUriSans, client.uris) &&
    anyMatch(entry.allowedOrganizationalUnits, client.organizationalUnits) &&
    entry.requiredExtensions.every((req) => {
      const at = req.indexOf(':');
      const value = client.extensionStrings.get(req.slice(0, at));
      return value !== undefined && globMatch(req.slice(at + 1), value);
    })
  );
}

async function loadTrusted(storage: StorageView, certName: string | undefined): Promise<Trusted[]> {
  const names = certName !== undefined && certName !== '' ? [normaliseName(certName)] : await listCerts(storage);
  const out: Trusted[] = [];
  for (const name of names) {
    const entry = await readCert(storage, name);
    if (!entry) continue;
    const certs = parsePem(entry.certificate);
    if (certs.length > 0) out.push({ entry, certs });
  }
  return out;
}

/** True when `anchor` issued `leaf`: names and key identifiers agree and the signature verifies. */
function issuedBy(leaf: ParsedCert, anchor: ParsedCert): boolean {
  try {
    return leaf.node.checkIssued(anchor.node) && leaf.node.verify(anchor.node.publicKey);
  } catch {
    return false;
  }
}

/**
 * Finds the trusted entry a client certificate logs in with, as Vault does
 * (https://developer.hashicorp.com/vault/docs/auth/cert): first a trusted non-CA entry holding
 * exactly this certificate, then a CA entry holding the certificate that signed it. The chain
 * must be within its validity window, allow client authentication, hold no serial a stored CRL
 * revokes, and the leaf must meet the entry's `allowed_*` and `required_extensions` constraints.
 *
 * The HTTP layer hands over only the leaf (the peer's intermediates are not kept), so a CA entry
 * must hold the certificate that issued the leaf itself; a bundle may hold several.
 */
export async function matchCertificate(storage: StorageView, der: Uint8Array, certName: string | undefined, now: number): Promise<CertMatch> {
  let client: ParsedCert;
  try {
    client = parseDer(der);
  } catch {
    throw invalidRequest(INVALID_CERTIFICATE);
  }
  const trusted = await loadTrusted(storage, certName);
  const revoked = await revokedSerials(storage);

  for (const t of trusted) {
    const leaf = t.certs[0]!;
    if (leaf.isCA || !sameDer(leaf.der, client.der)) continue;
    // Vault does not check the window of an exactly trusted leaf; we do (the handshake would too).
    if (!within(client, now)) throw invalidRequest(EXPIRED);
    if (matchesConstraints(client, [client], t.entry, revoked)) return { entry: t.entry, client };
  }

  const cas = trusted.filter((t) => t.certs[0]!.isCA);
  const anchors = cas.flatMap((t) => t.certs).filter((c) => c.isCA && issuedBy(client, c));
  if (anchors.length === 0) throw invalidRequest(INVALID_CERTIFICATE);
  const valid = anchors.filter((a) => within(a, now));
  if (!within(client, now) || valid.length === 0) throw invalidRequest(EXPIRED);
  if (!allowsClientAuth(client)) throw invalidRequest(WRONG_USAGE);
  const chains = valid.filter(allowsClientAuth).map((a) => [client, a] as const);
  if (chains.length === 0) throw invalidRequest(WRONG_USAGE);

  for (const t of cas) {
    for (const chain of chains) {
      if (!t.certs.some((c) => sameDer(c.der, chain[1].der))) continue;
      if (matchesConstraints(client, chain, t.entry, revoked)) return { entry: t.entry, client };
    }
  }
  throw invalidRequest(NO_MATCHING_CHAIN);
}
