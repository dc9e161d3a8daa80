/**
 * Every error the server can answer with. Each code carries its HTTP status, so the HTTP layer
 * reads `status` instead of walking an `instanceof` chain (STYLE.md, "Errors").
 *
 * Messages are lowercase, one line, name user input in backticks and never carry a secret,
 * a token or a stack trace.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  permission_denied: 403,
  unsupported_path: 404,
  not_found: 404,
  unsupported_operation: 405,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  not_initialized: 501,
  sealed: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class VaultError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra `data` returned beside `errors` (Vault's RespondErrorAndData). */
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.data = data;
  }
}

/** The exact text clients match on (Vault's consts.ErrSealed). */
export const SEALED_MESSAGE = 'Vault is sealed';

export const invalidRequest = (message: string, data?: Record<string, unknown>) =>
  new VaultError('invalid_request', message, data);
export const permissionDenied = (message = 'permission denied') =>
  new VaultError('permission_denied', message);
export const unsupportedPath = (path: string) =>
  new VaultError('unsupported_path', `no handler for route \`${path}\`. route entry not found.`);
export const unsupportedOperation = () =>
  new VaultError('unsupported_operation', 'unsupported operation');
export const notFound = (message = 'not found') => new VaultError('not_found', message);
export const sealedError = () => new VaultError('sealed', SEALED_MESSAGE);
export const internalError = (message = 'internal error') => new VaultError('internal', message);

/** Turns anything thrown into a VaultError without leaking internals to the client. */
export function toVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  return internalError();
}
