import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { AuditedHeaders } from './request-headers.js';

const RESOURCE = 'sys/config/auditing/request-headers';

/**
 * `sys/config/auditing/request-headers[/:header]` (spec §2.5; Vault's
 * api-docs/system/config-auditing). Root-protected in Vault (`config/auditing/*`), so `sudo`
 * here, as for `sys/audit`; answers carry their data at the top level too (spec §0 trap 6).
 */
export function requestHeaderPaths(headers: AuditedHeaders): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'config/auditing/request-headers',
      fields: {},
      authz: () => ({ action: 'sudo', resource: RESOURCE }),
      operations: {
        read: {
          summary: 'list the request headers audit entries record',
          handle: async () => ({ data: { headers: headers.list() }, dataAtTopLevel: true }),
        },
      },
      help: { synopsis: 'List the request headers audit entries record.' },
    }),
    definePath({
      pattern: 'config/auditing/request-headers/:header',
      fields: {
        header: { type: 'string', description: 'the header name (case-insensitive)', required: true },
        hmac: { type: 'bool', description: 'HMAC the value in audit entries', default: false },
      },
      authz: (req) => ({ action: 'sudo', resource: `${RESOURCE}/${req.data.header.toLowerCase()}` }),
      operations: {
        read: {
          summary: 'read how a header is audited',
          handle: async ({ data }) => {
            const settings = headers.get(data.header);
            if (settings === undefined) throw invalidRequest(`could not find header \`${data.header}\` in config`);
            // Keyed by the name as asked, as Vault answers.
            return { data: { [data.header]: settings }, dataAtTopLevel: true };
          },
        },
        update: {
          summary: 'record a header in audit entries',
          handle: async ({ data }) => (await headers.set(data.header, data.hmac), undefined),
        },
        delete: {
          summary: 'stop recording a header',
          handle: async ({ data }) => (await headers.remove(data.header), undefined),
        },
      },
      help: {
        synopsis: 'Record a request header in audit entries, raw or HMAC’d.',
        description: 'X-Vault-Token and Authorization are HMAC’d whatever `hmac` says.',
      },
    }),
  ];
}
