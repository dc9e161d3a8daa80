import type { EngineContext, EngineFactory, EngineSpec } from '../../framework/engine.js';
import { createPkiContext } from './pki-context.js';
import { pathCert, pathCertsList } from './path-certs.js';
import { pathConfigUrls } from './path-config.js';
import { pathCrl, pathCrlRotate, pathIssuerCrl } from './path-crl.js';
import { pathIntermediateGenerate, pathSetSigned } from './path-intermediate.js';
import { pathIssue, pathSign, pathSignVerbatim } from './path-issue.js';
import { pathCa, pathConfigIssuers, pathIssuerRaw, pathIssuerRead, pathIssuersList } from './path-issuers.js';
import { pathOcsp } from './path-ocsp.js';
import { pathRevoke } from './path-revoke.js';
import { pathRoles, pathRolesList } from './path-roles.js';
import { pathRootGenerate, pathSignIntermediate } from './path-root.js';
import { pathTidy, pathTidyStatus } from './path-tidy.js';

/**
 * The PKI secrets engine (Vault's `pki`, spec §2.13), mounted by type `pki`.
 *
 * Cedar resources are `<mount>/<kind>/<name>`: roles `pki/roles/<role>` (issue and sign are
 * `sign` on the role), issuers `pki/issuers/<ref>` (`generate` on `pki/issuers` for new CAs;
 * sign-intermediate and sign-verbatim are `sign` on the issuer), certificates
 * `pki/certs/<xx:xx:…>` (`revoke`, `read`), and `pki/config` for config/urls, config/issuers,
 * tidy and crl/rotate.
 */
export const pkiEngine: EngineFactory = async (ctx: EngineContext): Promise<EngineSpec> => {
  const pki = createPkiContext(ctx.clock);
  return {
    kind: 'secrets',
    paths: [
      pathRootGenerate(pki),
      pathSignIntermediate(pki),
      pathIntermediateGenerate(pki),
      pathSetSigned(pki),
      pathIssuersList(pki),
      pathIssuerRead(pki),
      pathIssuerRaw(pki),
      pathCa(pki),
      pathConfigIssuers(pki),
      pathRoles(pki),
      pathRolesList(pki),
      pathIssue(pki),
      pathSign(pki),
      pathSignVerbatim(pki),
      pathRevoke(pki),
      pathCert(pki),
      pathCertsList(pki),
      pathCrl(pki),
      pathIssuerCrl(pki),
      pathCrlRotate(pki),
      pathOcsp(pki),
      pathTidy(pki),
      pathTidyStatus(pki),
      pathConfigUrls(pki),
    ],
    // The public read paths Vault serves without a token (spec §0, "Contract details").
    unauthenticated: [
      'ca',
      'ca/pem',
      'ca_chain',
      'cert/:serial',
      'cert/ca_chain',
      'cert/crl',
      'crl',
      'crl/pem',
      'ocsp',
      'ocsp/:req+',
      'issuer/:issuer_ref/json',
      'issuer/:issuer_ref/pem',
      'issuer/:issuer_ref/der',
      'issuer/:issuer_ref/crl',
      'issuer/:issuer_ref/crl/der',
      'issuer/:issuer_ref/crl/pem',
    ],
    async close() {
      await pki.tidyRun;
      pki.close();
    },
  };
};
