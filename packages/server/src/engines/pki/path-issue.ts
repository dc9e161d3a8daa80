import { definePath, type EngineRequest } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { issueLeaf } from './issue-cert.js';
import { csrSans, parseCsr } from './issuer-ops.js';
import { generateKeyPair, privateKeyPem, resolveKeySpec, specOfPublicKey } from './keys.js';
import { isHostname, splitAltNames } from './name-policy.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import { VERBATIM_ROLE, type Role } from './role.js';
import type { SubjectAltNames } from './cert-extensions.js';
import { publicKeyInfo } from './subject-public-key.js';

/** `issue/:role`, `sign/:role` and `sign-verbatim`: certificates for end entities. */

const requestFields = {
  issuer_ref: { type: 'string', description: 'The issuer to sign with instead of the role\'s.' },
  common_name: { type: 'string', description: 'The requested common name.', default: '' },
  alt_names: { type: 'strings', description: 'DNS names and email addresses for the SANs.', default: [] },
  ip_sans: { type: 'strings', description: 'IP addresses for the SANs.', default: [] },
  uri_sans: { type: 'strings', description: 'URIs for the SANs.', default: [] },
  ttl: { type: 'duration', description: 'The certificate lifetime; above the role\'s max_ttl is refused.' },
  exclude_cn_from_sans: { type: 'bool', description: 'Do not copy the common name into the SANs.', default: false },
  format: { type: 'string', description: 'The certificate encoding; only pem is served.', default: 'pem', allowed: ['pem'] },
} as const;

async function loadRole(ctx: PkiContext, req: EngineRequest<unknown>, name: string): Promise<Role> {
  const role = await ctx.store(req).role(name);
  if (!role) throw invalidRequest(`unknown role: \`${name}\``);
  return role;
}

/** Request SANs plus the CN, which joins the DNS or email SANs unless excluded (as Vault does). */
function namesOf(cn: string, d: { alt_names: string[]; ip_sans: string[]; uri_sans: string[]; exclude_cn_from_sans: boolean }): SubjectAltNames {
  const { dns, email } = splitAltNames(d.alt_names);
  if (cn !== '' && !d.exclude_cn_from_sans) {
    if (cn.includes('@')) {
      if (!email.includes(cn)) email.unshift(cn);
    } else if ((isHostname(cn) || cn.startsWith('*.')) && !dns.includes(cn)) dns.unshift(cn);
  }
  return { dns, email, ip: d.ip_sans.filter(Boolean), uri: d.uri_sans.filter(Boolean) };
}

export const pathIssue = (ctx: PkiContext) =>
  definePath({
    pattern: ['issue/:role', 'issuer/:issuer_ref/issue/:role'],
    fields: {
      role: { type: 'string', description: 'The role to issue under.', required: true },
      ...requestFields,
      private_key_format: { type: 'string', description: 'pem (type-native, default) or pkcs8.', default: '', allowed: ['', 'der', 'pem', 'pkcs8'] },
    },
    authz: (req) => ({ action: 'sign', resource: pkiResource(req.mount, `roles/${req.data.role}`) }),
    operations: {
      update: {
        summary: 'Issue a certificate and its new private key.',
        async handle(req) {
          const d = req.data;
          const role = await loadRole(ctx, req, d.role);
          if (role.key_type === 'any') throw invalidRequest('role key type "any" not allowed for issuing certificates, only signing');
          const spec = resolveKeySpec(role.key_type, role.key_bits);
          const cn = d.common_name.trim();
          // Validate names before spending time on key generation.
          const sans = namesOf(cn, d);
          const keys = await generateKeyPair(spec);
          const data = await issueLeaf(ctx, req, {
            role,
            commonName: cn,
            sans,
            publicKey: keys.publicKeyInfo,
            keySpec: spec,
            ttl: d.ttl,
            issuerRef: d.issuer_ref,
          });
          return {
            data: { ...data, private_key: privateKeyPem(keys.privateKey, spec, d.private_key_format), private_key_type: spec.type },
          };
        },
      },
    },
    help: { synopsis: 'Issue a certificate with a new key under a role.' },
  });

export const pathSign = (ctx: PkiContext) =>
  definePath({
    pattern: ['sign/:role', 'issuer/:issuer_ref/sign/:role'],
    fields: {
      role: { type: 'string', description: 'The role to sign under.', required: true },
      csr: { type: 'string', description: 'The PEM CSR.', required: true },
      ...requestFields,
    },
    authz: (req) => ({ action: 'sign', resource: pkiResource(req.mount, `roles/${req.data.role}`) }),
    operations: {
      update: {
        summary: 'Sign a CSR under a role.',
        async handle(req) {
          const d = req.data;
          const role = await loadRole(ctx, req, d.role);
          const csr = await parseCsr(d.csr);
          const cn = role.use_csr_common_name ? (csr.subjectName.getField('CN')[0] ?? '') : d.common_name.trim();
          const fromCsr = csrSans(csr);
          const sans = role.use_csr_sans ? namesOf(cn, { ...d, alt_names: [...fromCsr.dns, ...fromCsr.email], ip_sans: fromCsr.ip, uri_sans: fromCsr.uri }) : namesOf(cn, d);
          const data = await issueLeaf(ctx, req, { role, commonName: cn, sans, publicKey: publicKeyInfo(csr.publicKey.rawData), keySpec: specOfPublicKey(csr.publicKey.rawData), ttl: d.ttl, issuerRef: d.issuer_ref });
          return { data };
        },
      },
    },
    help: { synopsis: 'Sign a CSR under a role; the role\'s name policy applies to the CSR\'s names.' },
  });

export const pathSignVerbatim = (ctx: PkiContext) =>
  definePath({
    pattern: ['sign-verbatim', 'sign-verbatim/:role', 'issuer/:issuer_ref/sign-verbatim', 'issuer/:issuer_ref/sign-verbatim/:role'],
    fields: {
      role: { type: 'string', description: 'A role whose lifetime and usages apply (names are not checked).' },
      csr: { type: 'string', description: 'The PEM CSR.', required: true },
      ttl: requestFields.ttl,
      issuer_ref: requestFields.issuer_ref,
      format: requestFields.format,
    },
    authz: (req) => ({ action: 'sign', resource: pkiResource(req.mount, `issuers/${req.data.issuer_ref ?? 'default'}`) }),
    operations: {
      update: {
        summary: 'Sign a CSR with its own subject and SANs.',
        async handle(req) {
          const d = req.data;
          const named = d.role === undefined ? undefined : await loadRole(ctx, req, d.role);
          const role: Role = named
            ? { ...named, allow_any_name: true, enforce_hostnames: false, allow_ip_sans: true, allowed_uri_sans: ['*'], key_type: 'any', require_cn: false }
            : VERBATIM_ROLE;
          const csr = await parseCsr(d.csr);
          const cn = csr.subjectName.getField('CN')[0] ?? '';
          const data = await issueLeaf(ctx, req, { role, commonName: cn, sans: csrSans(csr), publicKey: publicKeyInfo(csr.publicKey.rawData), keySpec: specOfPublicKey(csr.publicKey.rawData), ttl: d.ttl, issuerRef: d.issuer_ref });
          return { data };
        },
      },
    },
    help: { synopsis: 'Sign a CSR verbatim: its subject and SANs are kept; no name policy applies.' },
  });
