import { isVaultError, NotFoundError } from '@secretumvault/sdk';

/** Exit codes as the `vault` CLI uses them. */
export const EXIT_OK = 0;
/** API and connection errors. */
export const EXIT_ERROR = 1;
/** Usage errors, and "no value found" / sealed status (as `vault`). */
export const EXIT_USAGE = 2;

/** Ends a command: `message` (one line, may be empty) goes to stderr, `exitCode` to the process. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(`Error: ${message}`, EXIT_USAGE);
}

/**
 * Runs one API call; a failure becomes `Error <doing>: <server message> (<status>)`.
 * `doing` reads like `reading secret/data/foo`.
 */
export async function api<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isVaultError(err)) throw new CliError(`Error ${doing}: ${err.message}`, EXIT_ERROR);
    throw err;
  }
}

/** As {@link api}, but a 404 prints `No value found at <path>` and exits 2, as `vault read` does. */
export async function apiOrMissing<T>(doing: string, path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof NotFoundError) throw new CliError(`No value found at ${path}`, EXIT_USAGE);
    if (isVaultError(err)) throw new CliError(`Error ${doing}: ${err.message}`, EXIT_ERROR);
    throw err;
  }
}
