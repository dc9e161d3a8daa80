import {
  createSecretsProvider,
  secretsConfigFromToml,
  vaultClientOptions,
  VaultClient,
  VaultSecretsProvider,
  type SecretsConfig,
  type SecretsProvider,
} from '@secretumvault/sdk';
import type { Command } from 'commander';
import { parse as parseToml } from 'smol-toml';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { EXIT, step, usage } from './exit-codes.js';

export type Format = 'table' | 'json';

/** `--config` and `--format`, on the root command and read from any subcommand. */
export interface GlobalFlags {
  config?: string;
  format?: string;
}

/** What a `provisioning` action works with. */
export interface ProvisioningContext {
  io: CliIo;
  format: Format;
  config: SecretsConfig;
  /** The `[secrets]` provider: get/set/list/rotate/rollback. */
  provider: SecretsProvider;
  /** Leases, database, SSH, `vault …`: always secretum-vault, whatever the provider. */
  vault(): VaultClient;
}

export function globals(command: Command): GlobalFlags {
  return command.optsWithGlobals<GlobalFlags>();
}

export function resolveFormat(flag: string | undefined, fallback: Format = 'table'): Format {
  const value = (flag ?? fallback).toLowerCase();
  if (value !== 'table' && value !== 'json') throw usage(`\`--format\` must be "table" or "json", got \`${value}\``);
  return value;
}

/**
 * Loads `--config` (or `$PROVISIONING_CONFIG`): a platform TOML file whose `[secrets]` table picks
 * the provider. Without one: secretum-vault at `$VAULT_ADDR` with `$VAULT_TOKEN`, mount `secret`.
 */
export async function loadContext(command: Command, io: CliIo, defaultFormat: Format = 'table'): Promise<ProvisioningContext> {
  const flags = globals(command);
  const format = resolveFormat(flags.format, defaultFormat);
  const file = flags.config ?? (io.env['PROVISIONING_CONFIG'] || undefined);
  let config: SecretsConfig = { provider: 'secretum-vault', vaultMount: 'secret' };
  if (file !== undefined) {
    const text = await io.readFile(file).catch(() => {
      throw usage(`cannot read config file \`${file}\``);
    });
    let document: Record<string, unknown>;
    try {
      document = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      throw usage(`${file} is not valid TOML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
    config = await step(`in ${file}`, async () => secretsConfigFromToml(document));
  }
  const logger = { warn: (message: string) => io.err(`Warning: ${message}\n`) };
  const deps = { env: io.env, logger, ...(io.fetch !== undefined && { fetch: io.fetch }) };
  const provider = await step('configuring secrets', async () => createSecretsProvider(config, deps));
  let client: VaultClient | undefined;
  return {
    io,
    format,
    config,
    provider,
    vault: () => {
      client ??= provider instanceof VaultSecretsProvider ? provider.client : new VaultClient(vaultClientOptions(config, deps));
      return client;
    },
  };
}

/** The KV mount the platform's paths live in. */
export function mountOf(ctx: ProvisioningContext): string {
  return ctx.config.vaultMount ?? 'secret';
}

/** Reads a file named on the command line; a missing file is a usage error. */
export async function readNamedFile(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch {
    throw new CliError(`Error: cannot read ${what} \`${path}\``, EXIT.USAGE);
  }
}
