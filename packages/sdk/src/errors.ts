/**
 * Typed errors for Vault API failures (spec/vault-api.md §1.5).
 *
 * Every error carries the HTTP `status` (0 when no response arrived) and the server's `errors`
 * messages. `code` is a literal per class, so `switch (err.code)` on a {@link VaultError} narrows
 * to the concrete class.
 */

/** Stable codes, one per error class. */
export type VaultErrorCode =
  | 'invalid_request'
  | 'permission_denied'
  | 'not_found'
  | 'sealed'
  | 'unavailable'
  | 'internal'
  | 'unexpected_status'
  | 'unsupported';

export interface VaultErrorDetails {
  /** HTTP status, or 0 when the server could not be reached. */
  status: number;
  /** The server's `errors` array (may be empty, e.g. for an empty LIST). */
  errors?: string[];
  method?: string;
  /** The request path below `/v1/`. */
  path?: string;
  /** The parsed response body, when there was one (KV v2 answers a deleted version with a 404 envelope). */
  body?: unknown;
  cause?: unknown;
}

/** Base class: an API call that did not succeed. */
export abstract class VaultApiError extends Error {
  abstract readonly code: VaultErrorCode;
  readonly status: number;
  readonly errors: string[];
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly body: unknown;

  constructor(message: string, details: VaultErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.method = details.method;
    this.path = details.path;
    this.body = details.body;
  }
}

/** 400: invalid request, missing parameter, bad JSON, invalid credentials. */
export class InvalidRequestError extends VaultApiError {
  readonly code = 'invalid_request' as const;
}

/** 403: bad or expired token, or the policy denies the request. */
export class PermissionDeniedError extends VaultApiError {
  readonly code = 'permission_denied' as const;
}

/** 404: unsupported path, hidden path, empty list, or deleted KV version. */
export class NotFoundError extends VaultApiError {
  readonly code = 'not_found' as const;
}

/** 503 whose error says `Vault is sealed`. */
export class SealedError extends VaultApiError {
  readonly code = 'sealed' as const;
}

/** 502, any other 503, a refused connection or a timeout. */
export class UnavailableError extends VaultApiError {
  readonly code = 'unavailable' as const;
}

/** 500. */
export class InternalServerError extends VaultApiError {
  readonly code = 'internal' as const;
}

/** Any other status ≥ 400 (405, 413, 415, 429, …). */
export class UnexpectedStatusError extends VaultApiError {
  readonly code = 'unexpected_status' as const;
}

/**
 * The operation does not exist for this provider or mode: a write to the read-only SOPS or env
 * secrets provider, or to the SOPS fallback. Status 405, as a server answers an unsupported method.
 */
export class UnsupportedOperationError extends VaultApiError {
  readonly code = 'unsupported' as const;
}

/** The union to `switch` on. */
export type VaultError =
  | InvalidRequestError
  | PermissionDeniedError
  | NotFoundError
  | SealedError
  | UnavailableError
  | InternalServerError
  | UnexpectedStatusError
  | UnsupportedOperationError;

export function isVaultError(err: unknown): err is VaultError {
  return err instanceof VaultApiError;
}

/** Builds the error for a failed HTTP response. */
export function errorFromResponse(details: VaultErrorDetails & { status: number }): VaultError {
  const messages = details.errors ?? [];
  const summary = messages.length > 0 ? messages.join('; ') : `status ${details.status}`;
  const message = `${summary} (${details.status})`;
  switch (details.status) {
    case 400:
      return new InvalidRequestError(message, details);
    case 403:
      return new PermissionDeniedError(message, details);
    case 404:
      return new NotFoundError(message, details);
    case 500:
      return new InternalServerError(message, details);
    case 502:
      return new UnavailableError(message, details);
    case 503:
      return messages.some((m) => m.includes('Vault is sealed'))
        ? new SealedError(message, details)
        : new UnavailableError(message, details);
    default:
      return new UnexpectedStatusError(message, details);
  }
}
