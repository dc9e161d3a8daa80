import { definePath } from '../../framework/engine.js';
import { VaultError } from '../../errors.js';
import { describeIssuer } from './issuer-ops.js';
import { issuerChain, pkiResource, type PkiContext } from './pki-context.js';
import { colonSerial } from './serial.js';
import { x509 } from './x509.js';

/**
 * Reading issuers: `issuers` LIST, `issuer/:ref` (JSON), the public CA endpoints (`ca`,
 * `ca/pem`, `ca_chain`, `issuer/:ref/{pem,der,json}`) and `config/issuers` (the default).
 */

const PEM_CHAIN = 'application/pem-certificate-chain';

/** `issuers` LIST: ids with `key_info`, as Vault answers. */
export const pathIssuersList = (ctx: PkiContext) =>
  definePath({
    pattern: 'issuers',
    fields: {},
    authz: (req) => ({ action: 'list', resource: pkiResource(req.mount, 'issuers') }),
    operations: {
      list: {
        summary: 'List issuers.',
        async handle(req) {
          const store = ctx.store(req);
          const issuers = await store.issuers();
          if (issuers.length === 0) throw new VaultError('not_found', '');
          const def = await store.defaultIssuerId();
          const keyInfo: Record<string, unknown> = {};
          for (const i of issuers) {
            keyInfo[i.id] = { issuer_name: i.name, is_default: i.id === def, key_id: i.keyId, serial_number: colonSerial(i.serial) };
          }
          return { data: { keys: issuers.map((i) => i.id), key_info: keyInfo } };
        },
      },
    },
    help: { synopsis: 'List the issuers of this mount.' },
  });

/** `issuer/:ref` (and `issuer/:ref/json`): one issuer's details. */
export const pathIssuerRead = (ctx: PkiContext) =>
  definePath({
    pattern: ['issuer/:issuer_ref', 'issuer/:issuer_ref/json'],
    fields: { issuer_ref: { type: 'string', description: 'An issuer id, name or `default`.', required: true } },
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, `issuers/${req.data.issuer_ref}`) }),
    operations: {
      read: {
        summary: 'Read an issuer.',
        async handle(req) {
          const store = ctx.store(req);
          return { data: await describeIssuer(store, await store.resolveIssuer(req.data.issuer_ref)) };
        },
      },
    },
    help: { synopsis: 'Read an issuer: its certificate, chain and key id.' },
  });

/** `issuer/:ref/pem` and `issuer/:ref/der`: the raw certificate (unauthenticated). */
export const pathIssuerRaw = (ctx: PkiContext) =>
  definePath({
    // Literal suffixes, not a capture: a capture would also match `issuer/:ref/sign-intermediate`
    // in the engine's unauthenticated list.
    pattern: ['issuer/:issuer_ref/pem', 'issuer/:issuer_ref/der'],
    fields: {
      issuer_ref: { type: 'string', description: 'An issuer id, name or `default`.', required: true },
    },
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, `issuers/${req.data.issuer_ref}`) }),
    operations: {
      read: {
        summary: 'Read an issuer certificate, PEM or DER.',
        async handle(req) {
          const issuer = await ctx.store(req).resolveIssuer(req.data.issuer_ref);
          return req.path.endsWith('/der')
            ? { raw: { contentType: 'application/pkix-cert', body: derOf(issuer.certificate) } }
            : { raw: { contentType: PEM_CHAIN, body: `${issuer.certificate}\n` } };
        },
      },
    },
    help: { synopsis: 'Fetch an issuer certificate.' },
  });

/** `ca` (DER), `ca/pem` and `ca_chain` / `cert/ca_chain` (PEM bundle) of the default issuer. */
export const pathCa = (ctx: PkiContext) =>
  definePath({
    pattern: ['ca', 'ca/pem', 'ca_chain', 'cert/ca_chain'],
    fields: {},
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, 'issuers/default') }),
    operations: {
      read: {
        summary: 'Fetch the default issuer certificate or its chain.',
        async handle(req) {
          const issuer = await ctx.store(req).resolveIssuer('default');
          if (req.path === 'ca') return { raw: { contentType: 'application/pkix-cert', body: derOf(issuer.certificate) } };
          const body = req.path === 'ca/pem' ? issuer.certificate : issuerChain(issuer).join('\n');
          return { raw: { contentType: PEM_CHAIN, body: `${body}\n` } };
        },
      },
    },
    help: { synopsis: 'Fetch the CA certificate (DER or PEM) or the CA chain (PEM).' },
  });

/** `config/issuers`: which issuer `default` names. */
export const pathConfigIssuers = (ctx: PkiContext) =>
  definePath({
    pattern: 'config/issuers',
    fields: { default: { type: 'string', description: 'The issuer (id or name) to use by default.' } },
    authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: pkiResource(req.mount, 'config') }),
    operations: {
      read: {
        summary: 'Read the default issuer.',
        async handle(req) {
          return { data: { default: (await ctx.store(req).defaultIssuerId()) ?? '' } };
        },
      },
      update: {
        summary: 'Set the default issuer.',
        async handle(req) {
          const store = ctx.store(req);
          if (req.data.default === undefined) return { data: { default: (await store.defaultIssuerId()) ?? '' } };
          const issuer = await store.resolveIssuer(req.data.default);
          await store.setDefaultIssuer(issuer.id);
          return { data: { default: issuer.id } };
        },
      },
    },
    help: { synopsis: 'Read or set the default issuer.' },
  });

const derOf = (pem: string): Uint8Array => new Uint8Array(new x509.X509Certificate(pem).rawData);
