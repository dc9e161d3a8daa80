import { invalidRequest, VaultError } from '../../errors.js';
import { definePath, type EngineRequest, type PathSpec } from '../../framework/engine.js';
import { deleteCrl, listCrls, normaliseName, readCrl, writeCrl } from './cert-entry.js';
import { x509 } from './x509.js';

const resource = (req: EngineRequest<{ name: string }>) => `${req.mount.path}crls/${normaliseName(req.data.name)}`;

/** Decimal serials of every entry of a PEM or DER CRL; 400 when it does not parse. */
export function crlSerials(text: string): string[] {
  let crl: InstanceType<typeof x509.X509Crl>;
  try {
    crl = new x509.X509Crl(text.trim());
  } catch {
    throw invalidRequest('failed to parse CRL');
  }
  return crl.entries.map((e) => BigInt(`0x${e.serialNumber || '0'}`).toString(10));
}

/**
 * `auth/<mount>/crls*` (https://developer.hashicorp.com/vault/api-docs/auth/cert#create-crl).
 * As in Vault, a serial listed by any CRL refuses every certificate with that serial in a login
 * chain; the CRL's signature is not checked (an operator uploads it). Logins read the stored CRLs
 * each time, so a revocation takes effect at once on every node.
 */
export function crlPaths(): PathSpec[] {
  const name = { type: 'string', description: 'Name of the CRL.', required: true } as const;
  return [
    definePath({
      pattern: 'crls/:name',
      fields: {
        name,
        crl: { type: 'string', description: 'The CRL, PEM.' },
        url: { type: 'string', description: 'CRL distribution point; not supported.' },
      },
      help: { synopsis: 'Manage certificate revocation lists.' },
      authz: (req) => ({ action: req.operation, resource: resource(req) }),
      operations: {
        read: {
          summary: 'Read the serials of a CRL.',
          handle: async (req) => {
            const n = normaliseName(req.data.name);
            const entry = await readCrl(req.storage, n);
            if (!entry) throw invalidRequest(`no such CRL \`${n}\``);
            return { data: { serials: Object.fromEntries(entry.serials.map((s) => [s, {}])) } };
          },
        },
        update: {
          summary: 'Store a CRL.',
          handle: async (req) => {
            if (req.data.url !== undefined && req.data.url !== '') throw invalidRequest('crl distribution point urls are not supported; upload `crl`');
            if (req.data.crl === undefined || req.data.crl === '') throw invalidRequest("one of 'crl' or 'url' must be provided");
            await writeCrl(req.storage, normaliseName(req.data.name), { serials: crlSerials(req.data.crl) });
            return undefined;
          },
        },
        delete: {
          summary: 'Delete a CRL.',
          handle: async (req) => {
            const n = normaliseName(req.data.name);
            if (!(await readCrl(req.storage, n))) throw invalidRequest(`no such CRL \`${n}\``);
            await deleteCrl(req.storage, n);
            return undefined;
          },
        },
      },
    }),
    definePath({
      pattern: 'crls',
      fields: {},
      help: { synopsis: 'List CRLs.' },
      authz: (req) => ({ action: 'list', resource: `${req.mount.path}crls` }),
      operations: {
        list: {
          summary: 'List CRLs.',
          handle: async (req) => {
            const keys = await listCrls(req.storage);
            if (keys.length === 0) throw new VaultError('not_found', '');
            return { data: { keys } };
          },
        },
      },
    }),
  ];
}
