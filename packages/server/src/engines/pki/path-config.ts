import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { pkiResource, type PkiContext } from './pki-context.js';

/**
 * `config/urls`: the issuing-certificate (AIA caIssuers), OCSP (AIA ocsp) and CRL distribution
 * point URLs written into every certificate issued afterwards.
 */
export const pathConfigUrls = (ctx: PkiContext) =>
  definePath({
    pattern: 'config/urls',
    fields: {
      issuing_certificates: { type: 'strings', description: 'URLs of the issuing certificate (AIA caIssuers).' },
      crl_distribution_points: { type: 'strings', description: 'URLs of the CRL (CRL distribution points).' },
      ocsp_servers: { type: 'strings', description: 'URLs of the OCSP responder (AIA ocsp).' },
    },
    authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: pkiResource(req.mount, 'config') }),
    operations: {
      read: {
        summary: 'Read the URLs embedded in issued certificates.',
        async handle(req) {
          return { data: { ...structuredClone(await ctx.store(req).urls()) } };
        },
      },
      update: {
        summary: 'Set the URLs embedded in issued certificates.',
        async handle(req) {
          const store = ctx.store(req);
          const current = await store.urls();
          const next = {
            issuing_certificates: req.data.issuing_certificates ?? current.issuing_certificates,
            crl_distribution_points: req.data.crl_distribution_points ?? current.crl_distribution_points,
            ocsp_servers: req.data.ocsp_servers ?? current.ocsp_servers,
          };
          for (const url of [...next.issuing_certificates, ...next.crl_distribution_points, ...next.ocsp_servers]) {
            if (!URL.canParse(url)) throw invalidRequest(`invalid url \`${url}\``);
          }
          await store.putUrls(next);
          return { data: { ...structuredClone(next) } };
        },
      },
    },
    help: { synopsis: 'Set the AIA and CRL distribution point URLs of issued certificates.' },
  });
