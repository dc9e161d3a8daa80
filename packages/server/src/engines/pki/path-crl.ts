import { definePath } from '../../framework/engine.js';
import { rebuildAllCrls, rebuildCrl } from './crl-builder.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import type { PkiStore } from './pki-store.js';
import { x509 } from './x509.js';

/**
 * The CRL endpoints: `crl` (DER, `application/pkix-crl`), `crl/pem`, `cert/crl` (JSON) for the
 * default issuer, `issuer/:ref/crl[/der|/pem]` for any issuer, and `crl/rotate`.
 */

/** The stored CRL of an issuer, built now if the issuer somehow has none yet. */
async function crlOf(ctx: PkiContext, store: PkiStore, ref: string): Promise<Uint8Array> {
  const issuer = await store.resolveIssuer(ref);
  let crl = await store.crl(issuer.id);
  if (!crl) {
    await rebuildCrl(ctx, store, issuer);
    crl = await store.crl(issuer.id);
  }
  return crl?.der ?? new Uint8Array();
}

const pemOf = (der: Uint8Array): string => x509.PemConverter.encode(der, 'X509 CRL');

export const pathCrl = (ctx: PkiContext) =>
  definePath({
    pattern: ['crl', 'crl/pem', 'cert/crl'],
    fields: {},
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, 'issuers/default') }),
    operations: {
      read: {
        summary: 'Fetch the CRL of the default issuer.',
        async handle(req) {
          const der = await crlOf(ctx, ctx.store(req), 'default');
          if (req.path === 'crl') return { raw: { contentType: 'application/pkix-crl', body: der } };
          if (req.path === 'crl/pem') return { raw: { contentType: 'application/x-pem-file', body: `${pemOf(der)}\n` } };
          return { data: { certificate: pemOf(der), revocation_time: 0 } };
        },
      },
    },
    help: { synopsis: 'Fetch the current CRL (DER, PEM or JSON). An empty CRL exists before any revocation.' },
  });

export const pathIssuerCrl = (ctx: PkiContext) =>
  definePath({
    pattern: ['issuer/:issuer_ref/crl', 'issuer/:issuer_ref/crl/der', 'issuer/:issuer_ref/crl/pem'],
    fields: {
      issuer_ref: { type: 'string', description: 'An issuer id, name or `default`.', required: true },
    },
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, `issuers/${req.data.issuer_ref}`) }),
    operations: {
      read: {
        summary: 'Fetch the CRL of an issuer.',
        async handle(req) {
          const der = await crlOf(ctx, ctx.store(req), req.data.issuer_ref);
          if (req.path.endsWith('/der')) return { raw: { contentType: 'application/pkix-crl', body: der } };
          if (req.path.endsWith('/pem')) return { raw: { contentType: 'application/x-pem-file', body: `${pemOf(der)}\n` } };
          return { data: { crl: pemOf(der) } };
        },
      },
    },
    help: { synopsis: 'Fetch the CRL of one issuer.' },
  });

export const pathCrlRotate = (ctx: PkiContext) =>
  definePath({
    pattern: 'crl/rotate',
    fields: {},
    authz: (req) => ({ action: 'rotate', resource: pkiResource(req.mount, 'config') }),
    operations: {
      read: {
        summary: 'Rebuild every issuer\'s CRL now.',
        async handle(req) {
          await rebuildAllCrls(ctx, ctx.store(req));
          return { data: { success: true } };
        },
      },
    },
    help: { synopsis: 'Force a rebuild of the CRLs (Vault serves this as GET).' },
  });
