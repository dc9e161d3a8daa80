import {
  InvalidRequestError,
  isVaultError,
  NotFoundError,
  PermissionDeniedError,
  SealedError,
  SecretsConfigError,
  UnavailableError,
  UnsupportedOperationError,
} from '@secretumvault/sdk';
import { CliError } from '../errors.js';

/**
 * Exit codes of `provisioning`, one meaning each, so scripts can branch on them
 * (docs in packages/cli/src/provisioning/README.md).
 */
export const EXIT = {
  OK: 0,
  /** Any other failure: the server refused the request (400, 500…), an I/O error. */
  ERROR: 1,
  /** Bad command line or configuration (unknown flag, missing argument, bad `[secrets]`, read-only provider). */
  USAGE: 2,
  /** No secret at the path, no such version, or a render reference that does not resolve. */
  NOT_FOUND: 3,
  /** The token may not do this (403). */
  PERMISSION_DENIED: 4,
  /** The vault cannot answer: unreachable, timed out, sealed or standby (also `vault status` when sealed). */
  UNAVAILABLE: 5,
  /** A SOPS file that cannot be trusted or opened: MAC mismatch (tampered), no matching age key, bad format. */
  SOPS: 6,
} as const;

/** What the error says, on one line, after `Error <doing>: `. */
export function describeError(err: unknown): string {
  // Vault answers a missing secret with an empty `errors` list: say what it means.
  if (err instanceof NotFoundError && err.errors.length === 0) return 'not found';
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** The exit code an error means. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof SecretsConfigError || err instanceof UnsupportedOperationError) return EXIT.USAGE;
  if (err instanceof NotFoundError) return EXIT.NOT_FOUND;
  if (err instanceof PermissionDeniedError) return EXIT.PERMISSION_DENIED;
  if (err instanceof UnavailableError || err instanceof SealedError) return EXIT.UNAVAILABLE;
  if (err instanceof InvalidRequestError || isVaultError(err)) return EXIT.ERROR;
  if (isSopsError(err)) return EXIT.SOPS;
  return EXIT.ERROR;
}

export function isSopsError(err: unknown): err is Error & { code: string } {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('sops_');
}

/** Runs one step; a failure becomes a one-line `Error <doing>: <message>` with its exit code. */
export async function step<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Error ${doing}: ${describeError(err)}`, exitCodeOf(err));
  }
}

export function usage(message: string): CliError {
  return new CliError(`Error: ${message}`, EXIT.USAGE);
}
