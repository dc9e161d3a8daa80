import { definePath, type PathSpec } from '../framework/engine.js';
import type { CorsSettings } from './cors-settings.js';

/**
 * `sys/config/cors` (GET, POST/PUT, DELETE), as Vault's
 * (https://developer.hashicorp.com/vault/api-docs/system/config-cors). The pattern is relative
 * to `sys/`. Vault requires `sudo` on every operation, so Cedar sees `sudo` on
 * `sys/config/cors` whatever the method.
 */
export function corsPaths(settings: CorsSettings): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'config/cors',
      fields: {
        allowed_origins: {
          type: 'strings',
          description: 'origins allowed to make cross-origin requests: `*`, a comma-separated string or a list',
        },
        allowed_headers: {
          type: 'strings',
          description: "headers allowed on cross-origin requests, in addition to Vault's standard ones",
        },
      },
      authz: () => ({ action: 'sudo', resource: 'sys/config/cors' }),
      operations: {
        read: {
          summary: 'read the CORS configuration',
          // Trap 6 (spec §0): Vault duplicates `data` at the top level of this response.
          handle: async () => ({ data: { ...settings.describe() }, dataAtTopLevel: true }),
        },
        update: {
          summary: 'enable CORS for the given origins',
          handle: async ({ data }) => (await settings.enable(data.allowed_origins ?? [], data.allowed_headers ?? []), undefined),
        },
        delete: { summary: 'disable CORS', handle: async () => (await settings.disable(), undefined) },
      },
      help: {
        synopsis: 'Configure which browser origins may call the API.',
        description:
          'Once enabled, a preflight (`OPTIONS`) from an allowed origin is answered with the allowed methods and headers, and responses to allowed origins carry `Access-Control-Allow-Origin`; a request from any other origin is refused with 403.',
      },
    }),
  ];
}
