import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CliIo } from './io.js';
import { CliError } from './errors.js';

/**
 * Vault's built-in token helper: `vault login` keeps the token in `~/.vault-token` and every later
 * command uses it when neither `-token` nor VAULT_TOKEN is given
 * (https://developer.hashicorp.com/vault/docs/commands/token-helper). `VAULT_TOKEN_FILE` moves the
 * file (tests, several identities side by side). HOME comes from `io.env`, never from the process,
 * so in-process tests cannot read the developer's own token.
 */
export function tokenFilePath(env: CliIo['env']): string | undefined {
  const explicit = env['VAULT_TOKEN_FILE'];
  if (explicit) return explicit;
  const home = env['HOME'] || env['USERPROFILE'];
  return home ? join(home, '.vault-token') : undefined;
}

/** The stored token, trimmed; `undefined` when there is no file (or no home to hold one). */
export function readStoredToken(env: CliIo['env']): string | undefined {
  const path = tokenFilePath(env);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw new CliError(`Error reading the token file \`${path}\`: ${errnoCode(err)}`);
  }
  const token = text.trim();
  return token === '' ? undefined : token;
}

/**
 * Writes the token with mode 0600. It goes to a sibling temp file first and is renamed into place,
 * so a pre-existing file with wider permissions is replaced rather than rewritten, and a crash
 * never leaves half a token behind.
 */
export function storeToken(env: CliIo['env'], token: string): string {
  const path = tokenFilePath(env);
  if (path === undefined) throw new CliError('Error storing the token: HOME is not set (or set VAULT_TOKEN_FILE)');
  const temp = join(dirname(path), `.vault-token.${process.pid}.tmp`);
  try {
    writeFileSync(temp, token, { mode: 0o600 });
    // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new CliError(`Error storing the token in \`${path}\`: ${errnoCode(err)}`);
  }
  return path;
}

function isErrno(err: unknown, code: string): boolean {
  return errnoCode(err) === code;
}

function errnoCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'unknown error';
}
