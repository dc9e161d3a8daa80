import { VaultClient } from '@secretumvault/sdk';
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { usageError } from './errors.js';
import { resolveFormat, type Format } from './output.js';
import { readStoredToken } from './token-helper.js';

/** Flags every client command takes. */
export interface ClientFlags {
  address?: string;
  token?: string;
  namespace?: string;
  format?: string;
}

/** What an action gets: the client, the output format and the I/O. */
export interface CommandContext {
  client: VaultClient;
  format: Format;
  io: CliIo;
}

/** Adds `-address`, `-token`, `-namespace` and `-format` to a command that talks to a server. */
export function withClientFlags(command: Command): Command {
  return command
    .option('--address <url>', 'server address (default $VAULT_ADDR or http://127.0.0.1:8200)')
    .option('--token <token>', 'token (default $VAULT_TOKEN)')
    .option('--namespace <ns>', 'namespace (default $VAULT_NAMESPACE)')
    .option('--format <format>', 'output format: table, json or yaml (default $VAULT_FORMAT or table)');
}

/** Flags override the environment; the environment comes from `io`, not `process`. */
export function createContext(flags: ClientFlags, io: CliIo): CommandContext {
  const env = io.env;
  const client = new VaultClient({
    address: resolveAddress(flags.address, env['VAULT_ADDR']),
    token: resolveToken(flags.token, env),
    namespace: flags.namespace ?? env['VAULT_NAMESPACE'] ?? '',
    ...(io.fetch !== undefined && { fetch: io.fetch }),
  });
  return { client, format: resolveFormat(flags.format, env), io };
}

/**
 * `-token`, then VAULT_TOKEN, then the token `secretum login` stored (as Vault: an empty
 * VAULT_TOKEN counts as unset). The file is read only when it is needed.
 */
export function resolveToken(flag: string | undefined, env: CliIo['env']): string {
  return flag ?? (env['VAULT_TOKEN'] || readStoredToken(env) || '');
}

/** An empty VAULT_ADDR counts as unset, as in Vault; anything else must be an http(s) URL. */
function resolveAddress(flag: string | undefined, fromEnv: string | undefined): string {
  const address = flag ?? (fromEnv || 'http://127.0.0.1:8200');
  if (!/^https?:\/\/[^/]/i.test(address) || !URL.canParse(address)) {
    throw usageError(`${flag !== undefined ? '`-address`' : 'VAULT_ADDR'} must be an http(s) URL, got \`${address}\``);
  }
  return address;
}
