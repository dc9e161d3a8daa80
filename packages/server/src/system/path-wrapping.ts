import { invalidRequest } from '../errors.js';
import { definePath, type EngineRequest, type EngineResponse, type PathSpec } from '../framework/engine.js';
import { isPlainObject } from '../framework/fields.js';
import type { ResponseWrapper } from '../wrapping/response-wrapper.js';

const INVALID = 'wrapping token is not valid or does not exist';

const tokenField = {
  token: { type: 'string', description: 'Wrapping token; default: the calling token, when it is one.', sensitive: true },
} as const;

/**
 * `sys/wrapping/*` (https://developer.hashicorp.com/vault/api-docs/system/wrapping-unwrap and
 * siblings). Patterns are relative to `sys/`. Every path takes the wrapping token either in the
 * body or as the caller's own token (hvac's default); don't send both.
 */
export function wrappingPaths(wrapper: ResponseWrapper): PathSpec[] {
  /** The token to act on, and whether it is the caller's own (its use is already consumed). */
  const target = (req: EngineRequest<unknown>, given: string | undefined): { token: string; own: boolean } => {
    if (given !== undefined && given !== '') {
      return { token: given, own: req.auth !== undefined && wrapper.isCallerToken(given, req.auth.tokenHash) };
    }
    if (!req.auth) throw invalidRequest(INVALID);
    return { token: req.auth.clientToken, own: true };
  };

  const wrap = definePath({
    pattern: 'wrapping/wrap',
    fields: {},
    help: {
      synopsis: 'Wrap the request body in a single-use token.',
      description: 'Needs `X-Vault-Wrap-TTL`; the pipeline wraps the returned data, so `unwrap` returns it as `data`.',
    },
    authz: (req) => ({ action: 'update', resource: `${req.mount.path}wrapping/wrap` }),
    operations: {
      update: {
        summary: 'Wrap arbitrary data.',
        handle: async (req) => {
          if (req.wrapTtl === undefined || req.wrapTtl <= 0) throw invalidRequest('endpoint requires response wrapping to be used');
          return { data: { ...req.raw } };
        },
      },
    },
  });

  const unwrap = definePath({
    pattern: 'wrapping/unwrap',
    fields: tokenField,
    help: { synopsis: 'Return a wrapped response; the wrapping token is then revoked.' },
    authz: (req) => ({ action: 'update', resource: `${req.mount.path}wrapping/unwrap` }),
    operations: {
      update: {
        summary: 'Unwrap a response.',
        handle: async (req) => {
          const { token, own } = target(req, req.data.token);
          return originalResponse(req.id, await wrapper.unwrap(token, { ownToken: own }));
        },
      },
    },
  });

  const lookupHandle = async (req: EngineRequest<unknown>, given: string | undefined): Promise<EngineResponse> => {
    const { token, own } = target(req, given);
    return { data: await wrapper.lookup(token, { ownToken: own }) };
  };
  const lookup = definePath({
    pattern: 'wrapping/lookup',
    fields: tokenField,
    help: { synopsis: 'Show a wrapping token\'s creation path, time and TTL without using it.' },
    authz: (req) => ({ action: 'update', resource: `${req.mount.path}wrapping/lookup` }),
    operations: {
      update: { summary: 'Look up a wrapping token.', handle: (req) => lookupHandle(req, req.data.token) },
      read: { summary: 'Look up a wrapping token.', handle: (req) => lookupHandle(req, req.data.token) },
    },
  });

  const rewrap = definePath({
    pattern: 'wrapping/rewrap',
    fields: tokenField,
    help: { synopsis: 'Move a wrapped response to a new wrapping token; the old token stops working.' },
    authz: (req) => ({ action: 'update', resource: `${req.mount.path}wrapping/rewrap` }),
    operations: {
      update: {
        summary: 'Rewrap a response.',
        handle: async (req) => {
          const { token, own } = target(req, req.data.token);
          return { wrapInfo: await wrapper.rewrap(token, { ownToken: own }) };
        },
      },
    },
  });

  return [wrap, unwrap, lookup, rewrap];
}

/**
 * Turns a stored envelope back into a response. Plain data goes through the pipeline like any
 * response. An envelope with `auth` or a lease must reach the client as it was, without the
 * pipeline issuing a token or a lease again, so it goes out as a raw JSON body (as Vault does).
 */
function originalResponse(requestId: string, stored: Record<string, unknown>): EngineResponse {
  const leaseId = typeof stored['lease_id'] === 'string' ? stored['lease_id'] : '';
  const hasAuth = stored['auth'] !== undefined && stored['auth'] !== null;
  if (hasAuth || leaseId !== '') {
    const envelope = {
      request_id: requestId,
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: null,
      ...stored,
    };
    return { raw: { contentType: 'application/json', body: JSON.stringify(envelope) } };
  }
  const data = stored['data'];
  const response: EngineResponse = { data: isPlainObject(data) ? data : null };
  const warnings = stored['warnings'];
  if (Array.isArray(warnings) && warnings.length > 0) response.warnings = warnings.map(String);
  return response;
}

