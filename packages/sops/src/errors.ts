/**
 * Typed errors for reading SOPS files.
 *
 * Each class has a literal `code`, so `switch (err.code)` on a {@link SopsError} narrows to the
 * concrete class. Messages are lowercase, one line, name keys and options in backticks, and never
 * contain a value, a key or ciphertext. These errors carry no HTTP status: this package has no
 * HTTP surface; the CLI maps codes to exit codes and the SDK's fallback maps them to its own errors.
 */

export type SopsErrorCode = 'sops_mac_mismatch' | 'sops_no_matching_key' | 'sops_format';

/** Base class of every error this package throws on purpose. */
export abstract class SopsError extends Error {
  abstract readonly code: SopsErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The file does not authenticate: its MAC is missing or differs from the one computed over the
 * values, or a value that should be encrypted does not decrypt under the data key. The file was
 * tampered with (or damaged); nothing from it may be used.
 */
export class SopsMacMismatchError extends SopsError {
  readonly code = 'sops_mac_mismatch' as const;
}

/** None of the given age identities opens any of the file's age stanzas. */
export class SopsNoMatchingKeyError extends SopsError {
  readonly code = 'sops_no_matching_key' as const;
}

/** The file (or an identity file) cannot be parsed, or uses a SOPS feature this reader refuses. */
export class SopsFormatError extends SopsError {
  readonly code = 'sops_format' as const;
}
