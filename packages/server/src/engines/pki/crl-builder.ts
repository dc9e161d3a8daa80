import * as asn1js from 'asn1js';
import type { PkiContext } from './pki-context.js';
import { loadSigner } from './issuer-signer.js';
import type { IssuerRecord, PkiStore } from './pki-store.js';
import { AsnConvert, x509 } from './x509.js';
import { signingAlgorithm } from './keys.js';

/**
 * Builds and stores an issuer's CRL (RFC 5280 §5). An issuer gets an empty CRL as soon as it
 * exists, so `crl` answers before any revocation (spec §0, "Contract details"); every
 * revocation and every tidy that drops entries rebuilds it.
 */

/** How long a CRL is valid: Vault's default `config/crl` expiry of 72h. */
export const CRL_LIFETIME_MS = 72 * 3600 * 1000;

const ID_CE_CRL_NUMBER = '2.5.29.20';

/**
 * Rebuilds the CRL of `issuer` from the stored revocations and stores it. Runs under the
 * context's exclusive lock so concurrent revocations cannot overwrite each other's CRL.
 * Issuers without a key (imported for their chain only) get no CRL.
 */
export function rebuildCrl(ctx: PkiContext, store: PkiStore, issuer: IssuerRecord): Promise<void> {
  return ctx.exclusive(async () => {
    if (issuer.keyId === '') return;
    const signer = await loadSigner(store, issuer);
    const revoked = (await store.revocations()).filter((r) => r.issuerId === issuer.id);
    const previous = await store.crl(issuer.id);
    const number = (previous?.number ?? 0) + 1;
    const now = ctx.clock.now();
    const crl = await x509.X509CrlGenerator.create({
      // x509's CRL generator takes its own Name and Extension types, made from the signer's.
      issuer: new x509.Name(signer.issuerName),
      thisUpdate: new Date(now),
      nextUpdate: new Date(now + CRL_LIFETIME_MS),
      entries: revoked
        .sort((a, b) => a.serial.localeCompare(b.serial))
        .map((r) => ({ serialNumber: r.serial, revocationDate: new Date(r.revocationTime * 1000) })),
      extensions: [
        new x509.Extension(AsnConvert.serialize(signer.authorityKeyId)),
        new x509.Extension(ID_CE_CRL_NUMBER, false, new asn1js.Integer({ value: number }).toBER()),
      ],
      signingKey: signer.cryptoKey,
      signingAlgorithm: signingAlgorithm(signer.spec),
    });
    await store.putCrl(issuer.id, crl.rawData, number);
  });
}

/** Rebuilds the CRL of every issuer that has a key. */
export async function rebuildAllCrls(ctx: PkiContext, store: PkiStore): Promise<void> {
  for (const issuer of await store.issuers()) await rebuildCrl(ctx, store, issuer);
}
