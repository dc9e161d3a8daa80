import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { certPem } from './cert-builder.js';
import { sanExtension } from './cert-extensions.js';
import { createStoredKey, keyFields, requestedNames, subjectFields } from './ca-fields.js';
import { privateKeyPem, signingAlgorithm, toCryptoKeyPair } from './keys.js';
import { parseCertificates, registerIssuer } from './issuer-ops.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import { subjectName } from './subject-name.js';
import { AsnConvert, x509 } from './x509.js';

/**
 * `intermediate/generate/:type`: a new key and a CSR for it. The key is stored at once, with no
 * issuer; `intermediate/set-signed` later pairs the signed certificate with it by public key.
 */
export const pathIntermediateGenerate = (ctx: PkiContext) =>
  definePath({
    pattern: ['intermediate/generate/:type', 'issuers/generate/intermediate/:type'],
    fields: {
      type: { type: 'string', description: 'internal, or exported to return the private key.', required: true, allowed: ['internal', 'exported'] },
      ...subjectFields,
      ...keyFields,
      add_basic_constraints: { type: 'bool', description: 'Request CA:TRUE in the CSR.', default: false },
      format: { type: 'string', description: 'The CSR encoding; only pem is served.', default: 'pem', allowed: ['pem'] },
    },
    authz: (req) => ({ action: 'generate', resource: pkiResource(req.mount, 'issuers') }),
    operations: {
      update: {
        summary: 'Generate a key and a CSR for an intermediate CA.',
        async handle(req) {
          const d = req.data;
          if (!d.common_name) throw invalidRequest('the common_name field is required');
          const store = ctx.store(req);
          const { subject, sans } = requestedNames(d);
          const { record, pair, spec } = await createStoredKey(store, d.key_type, d.key_bits, d.key_name);
          const extensions: x509.Extension[] = [];
          const san = sanExtension(sans);
          if (san) extensions.push(new x509.Extension(AsnConvert.serialize(san)));
          if (d.add_basic_constraints) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
          const csr = await x509.Pkcs10CertificateRequestGenerator.create({
            name: new x509.Name(subjectName(subject)),
            keys: await toCryptoKeyPair(pair, spec),
            signingAlgorithm: signingAlgorithm(spec),
            extensions,
          });
          const data: Record<string, unknown> = { csr: csr.toString('pem').trim(), key_id: record.id, key_name: record.name };
          if (d.type === 'exported') {
            data['private_key'] = privateKeyPem(pair.privateKey, spec, d.private_key_format);
            data['private_key_type'] = spec.type;
          }
          return { data };
        },
      },
    },
    help: {
      synopsis: 'Generate a new key and a CSR for an intermediate CA.',
      description: 'The key stays in the mount; sign the CSR with a root (root/sign-intermediate) and import the result with intermediate/set-signed.',
    },
  });

/**
 * `intermediate/set-signed`: imports the signed intermediate certificate (optionally followed
 * by its parents) and pairs it with the pending key whose public key it carries.
 */
export const pathSetSigned = (ctx: PkiContext) =>
  definePath({
    pattern: 'intermediate/set-signed',
    fields: {
      certificate: { type: 'string', description: 'The signed certificate in PEM, optionally followed by its issuing chain.', required: true },
    },
    authz: (req) => ({ action: 'configure', resource: pkiResource(req.mount, 'issuers') }),
    operations: {
      update: {
        summary: 'Import the signed intermediate certificate.',
        async handle(req) {
          const store = ctx.store(req);
          const [cert, ...parents] = parseCertificates(req.data.certificate);
          const spki = Buffer.from(cert!.publicKey.rawData).toString('base64');
          const existing = (await store.issuers()).find((i) => new x509.X509Certificate(i.certificate).equal(cert!));
          if (existing) {
            return {
              data: { imported_issuers: null, imported_keys: null, existing_issuers: [existing.id], existing_keys: [existing.keyId], mapping: { [existing.id]: existing.keyId } },
            };
          }
          const key = (await store.keys()).find((k) => k.spki === spki);
          if (!key) throw invalidRequest('the certificate does not match any pending key of this mount');
          const bc = cert!.getExtension(x509.BasicConstraintsExtension);
          if (!bc?.ca) throw invalidRequest('the certificate is not a ca certificate');
          const issuer = await registerIssuer(ctx, store, {
            certificate: cert!,
            keyId: key.id,
            name: '',
            parents: parents.map((p) => certPem(p.rawData)),
          });
          return {
            data: { imported_issuers: [issuer.id], imported_keys: null, existing_issuers: null, existing_keys: [key.id], mapping: { [issuer.id]: key.id } },
          };
        },
      },
    },
    help: {
      synopsis: 'Provide the signed intermediate CA certificate.',
      description: 'Imports the certificate signed by the parent CA and pairs it with the key made by intermediate/generate; certificates after the first are kept as its chain.',
    },
  });
