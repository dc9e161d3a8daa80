import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { buildCertificate, selfSigner } from './cert-builder.js';
import { caProfile } from './cert-extensions.js';
import { createStoredKey, keyFields, requestedNames, subjectFields } from './ca-fields.js';
import { privateKeyPem } from './keys.js';
import { checkWithinIssuer, NOT_BEFORE_SKEW_MS, resolveTtl } from './ttl.js';
import { configuredUrlExtensions, loadSigner } from './issuer-signer.js';
import { issuerChain, pkiResource, unixSeconds, type PkiContext } from './pki-context.js';
import { csrSans, parseCsr, registerIssuer } from './issuer-ops.js';
import { colonSerial } from './serial.js';
import { subjectName } from './subject-name.js';
import { publicKeyInfo } from './subject-public-key.js';
import { asn1X509, AsnConvert, x509 } from './x509.js';

/**
 * `root/generate/:type` (alias `issuers/generate/root/:type`): a self-signed root issuer whose
 * key stays in the mount (`internal`) or is also returned once (`exported`).
 */
export const pathRootGenerate = (ctx: PkiContext) =>
  definePath({
    pattern: ['root/generate/:type', 'issuers/generate/root/:type'],
    fields: {
      type: { type: 'string', description: 'internal, or exported to return the private key.', required: true, allowed: ['internal', 'exported'] },
      ...subjectFields,
      ...keyFields,
      ttl: { type: 'duration', description: 'The lifetime of the root certificate.' },
      issuer_name: { type: 'string', description: 'A name for the new issuer.', default: '' },
      max_path_length: { type: 'int', description: 'The path length constraint; -1 means none.', default: -1 },
      format: { type: 'string', description: 'The certificate encoding; only pem is served.', default: 'pem', allowed: ['pem'] },
    },
    authz: (req) => ({ action: 'generate', resource: pkiResource(req.mount, 'issuers') }),
    operations: {
      update: {
        summary: 'Generate a self-signed root CA.',
        async handle(req) {
          const d = req.data;
          if (!d.common_name) throw invalidRequest('the common_name field is required');
          const store = ctx.store(req);
          const ttl = resolveTtl(req.mount, d.ttl);
          const { subject, sans } = requestedNames(d);
          const { record, pair, spec } = await createStoredKey(store, d.key_type, d.key_bits, d.key_name);
          const now = ctx.certNow();
          const name = subjectName(subject);
          const cert = await buildCertificate(
            {
              subject: name,
              publicKey: pair.publicKeyInfo,
              notBefore: new Date(now - NOT_BEFORE_SKEW_MS),
              notAfter: new Date(now + ttl * 1000),
              sans,
              profile: caProfile(d.max_path_length),
              urlExtensions: await configuredUrlExtensions(store),
            },
            selfSigner(name, pair, spec),
          );
          const issuer = await registerIssuer(ctx, store, { certificate: new x509.X509Certificate(cert.der), keyId: record.id, name: d.issuer_name, parents: [] });
          const data: Record<string, unknown> = {
            certificate: issuer.certificate,
            issuing_ca: issuer.certificate,
            serial_number: colonSerial(issuer.serial),
            expiration: unixSeconds(issuer.notAfter),
            issuer_id: issuer.id,
            issuer_name: issuer.name,
            key_id: record.id,
            key_name: record.name,
          };
          if (d.type === 'exported') {
            data['private_key'] = privateKeyPem(pair.privateKey, spec, d.private_key_format);
            data['private_key_type'] = spec.type;
          }
          return { data };
        },
      },
    },
    help: {
      synopsis: 'Generate a new self-signed root CA.',
      description: 'Creates a key and a self-signed CA certificate and registers them as an issuer; `exported` also returns the private key.',
    },
  });

/** `root/sign-intermediate` (and `issuer/:ref/sign-intermediate`): signs an intermediate CA's CSR. */
export const pathSignIntermediate = (ctx: PkiContext) =>
  definePath({
    pattern: ['root/sign-intermediate', 'issuer/:issuer_ref/sign-intermediate'],
    fields: {
      issuer_ref: { type: 'string', description: 'The issuer that signs.', default: 'default' },
      csr: { type: 'string', description: 'The PEM CSR of the intermediate CA.', required: true },
      ...subjectFields,
      ttl: { type: 'duration', description: 'The lifetime of the intermediate certificate.' },
      max_path_length: { type: 'int', description: 'The path length constraint; -1 derives it from the issuer.', default: -1 },
      use_csr_values: { type: 'bool', description: 'Take the subject and SANs from the CSR instead of the request.', default: false },
      format: { type: 'string', description: 'The certificate encoding; only pem is served.', default: 'pem', allowed: ['pem'] },
    },
    authz: (req) => ({ action: 'sign', resource: pkiResource(req.mount, `issuers/${req.data.issuer_ref}`) }),
    operations: {
      update: {
        summary: 'Sign an intermediate CA certificate.',
        async handle(req) {
          const d = req.data;
          const store = ctx.store(req);
          const issuer = await store.resolveIssuer(d.issuer_ref);
          const signer = await loadSigner(store, issuer);
          const csr = await parseCsr(d.csr);
          if (!d.use_csr_values && !d.common_name) throw invalidRequest('the common_name field is required');
          const ttl = resolveTtl(req.mount, d.ttl);
          const now = ctx.certNow();
          const notAfter = now + ttl * 1000;
          checkWithinIssuer(notAfter, issuer);
          const maxPathLength = childPathLength(signer.certificate, d.max_path_length);
          const names = requestedNames(d);
          const { pem, serial } = await buildCertificate(
            {
              subject: d.use_csr_values ? AsnConvert.parse(csr.subjectName.toArrayBuffer(), asn1X509.Name) : names.subject,
              publicKey: publicKeyInfo(csr.publicKey.rawData),
              notBefore: new Date(now - NOT_BEFORE_SKEW_MS),
              notAfter: new Date(notAfter),
              sans: d.use_csr_values ? csrSans(csr) : names.sans,
              profile: caProfile(maxPathLength),
              urlExtensions: await configuredUrlExtensions(store),
            },
            signer,
          );
          await store.putCert({ serial, certificate: pem, issuerId: issuer.id, notAfter });
          return {
            data: {
              certificate: pem,
              issuing_ca: issuer.certificate,
              ca_chain: issuerChain(issuer),
              serial_number: colonSerial(serial),
              expiration: unixSeconds(notAfter),
            },
          };
        },
      },
    },
    help: {
      synopsis: 'Issue an intermediate CA certificate from a CSR.',
      description: 'Signs the CSR of an intermediate CA with this mount\'s issuer; the result goes to the intermediate\'s intermediate/set-signed.',
    },
  });

/** The path length of a CA signed by `issuer`: at most one less than the issuer's own (RFC 5280 §4.2.1.9). */
function childPathLength(issuer: x509.X509Certificate, requested: number): number {
  const bc = issuer.getExtension(x509.BasicConstraintsExtension);
  const limit = bc?.pathLength;
  if (limit === undefined) return requested;
  if (limit === 0) throw invalidRequest('the issuer has a max_path_length of 0 and cannot sign a ca certificate');
  if (requested < 0) return limit - 1;
  if (requested > limit - 1) throw invalidRequest(`max_path_length ${requested} exceeds the issuer's limit of ${limit - 1}`);
  return requested;
}
