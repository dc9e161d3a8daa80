import type { EngineRequest } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { buildCertificate } from './cert-builder.js';
import type { SubjectAltNames } from './cert-extensions.js';
import { configuredUrlExtensions, loadSigner, roleProfile } from './issuer-signer.js';
import type { KeySpec } from './keys.js';
import { checkNames } from './name-policy.js';
import { issuerChain, unixSeconds, type PkiContext } from './pki-context.js';
import type { Role } from './role.js';
import { colonSerial } from './serial.js';
import { checkWithinIssuer, NOT_BEFORE_SKEW_MS, resolveTtl } from './ttl.js';
import type { asn1X509 } from './x509.js';

/**
 * The issuance pipeline shared by `issue/:role`, `sign/:role` and `sign-verbatim`: name policy,
 * key policy, lifetime, signing by the role's issuer, and storage of the certificate.
 */
export interface LeafRequest {
  role: Role;
  commonName: string;
  sans: SubjectAltNames;
  /** A key generated for the request, or a CSR's (subject-public-key.ts). */
  publicKey: asn1X509.SubjectPublicKeyInfo;
  keySpec: KeySpec;
  ttl: number | undefined;
  /** The issuer named by the path (`issuer/:ref/issue/:role`), else the role's `issuer_ref`. */
  issuerRef: string | undefined;
}

/** Issues a leaf certificate and returns Vault's response fields (without any private key). */
export async function issueLeaf(ctx: PkiContext, req: EngineRequest<unknown>, leaf: LeafRequest): Promise<Record<string, unknown>> {
  const { role } = leaf;
  if (role.require_cn && leaf.commonName === '') throw invalidRequest('the common_name field is required, or must be provided in a csr with "use_csr_common_name" set to true');
  checkNames(role, leaf.commonName, leaf.sans);
  checkKey(role, leaf.keySpec);

  // A role read through the store is cached, so this (and the signer, the profile and the URL
  // extensions) costs no storage read once warm; with no_store the issuance touches no storage.
  const store = ctx.store(req);
  const issuer = await store.resolveIssuer(leaf.issuerRef ?? role.issuer_ref);
  const signer = await loadSigner(store, issuer);
  const ttl = resolveTtl(req.mount, leaf.ttl, role.ttl, role.max_ttl);
  const now = ctx.certNow();
  const notAfter = now + ttl * 1000;
  checkWithinIssuer(notAfter, issuer);

  const { pem, serial } = await buildCertificate(
    {
      subject: {
        commonName: leaf.commonName,
        ou: role.ou,
        organization: role.organization,
        country: role.country,
        locality: role.locality,
        province: role.province,
      },
      publicKey: leaf.publicKey,
      notBefore: new Date(now - NOT_BEFORE_SKEW_MS),
      notAfter: new Date(notAfter),
      sans: leaf.sans,
      profile: roleProfile(store, role),
      urlExtensions: await configuredUrlExtensions(store),
    },
    signer,
  );
  if (!role.no_store) await store.putCert({ serial, certificate: pem, issuerId: issuer.id, notAfter });
  return {
    certificate: pem,
    issuing_ca: issuer.certificate,
    ca_chain: issuerChain(issuer),
    serial_number: colonSerial(serial),
    expiration: unixSeconds(notAfter),
  };
}

/** The role's key policy: type (unless `any`) and size. */
function checkKey(role: Role, spec: KeySpec): void {
  if (role.key_type !== 'any' && spec.type !== role.key_type) {
    throw invalidRequest(`role requires keys of type ${role.key_type}, but the key is of type ${spec.type}`);
  }
  if (role.key_type === 'any' || role.key_bits === 0) return;
  if (spec.type === 'rsa' && spec.bits < role.key_bits) {
    throw invalidRequest(`role requires a minimum of a ${role.key_bits}-bit key, but the key has ${spec.bits} bits`);
  }
  if (spec.type === 'ec' && spec.bits !== role.key_bits) {
    throw invalidRequest(`role requires a ${role.key_bits}-bit ec key, but the key has ${spec.bits} bits`);
  }
}
