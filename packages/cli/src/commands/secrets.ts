import type { EnableMountRequest } from '@secretumvault/sdk';
import { Command } from 'commander';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { columns, structured } from '../output.js';

interface EnableFlags extends ClientFlags {
  path?: string;
  version?: string;
  description?: string;
  defaultLeaseTtl?: string;
  maxLeaseTtl?: string;
}

/** `secretum secrets enable|disable|list`. */
export function secretsCommand(io: CliIo): Command {
  const secrets = new Command('secrets').description('enable, disable and list secrets engines');

  withClientFlags(secrets.command('enable'))
    .description('mount a secrets engine (kv-v2 is kv with version 2)')
    .argument('<type>', 'engine type: kv, kv-v2, transit, database, pki, ssh, …')
    .option('--path <path>', 'mount path (default: the type)')
    .option('--version <n>', 'KV version (1 or 2)')
    .option('--description <text>', 'human-readable description')
    .option('--default-lease-ttl <duration>', 'default lease TTL')
    .option('--max-lease-ttl <duration>', 'maximum lease TTL')
    .action(async (type: string, flags: EnableFlags) => {
      const ctx = createContext(flags, io);
      // Vault's aliases: `kv-v2` = `kv` with options.version 2.
      const engine = type === 'kv-v2' || type === 'kv-v1' ? 'kv' : type;
      const version = type === 'kv-v2' ? '2' : type === 'kv-v1' ? '1' : flags.version;
      if (version !== undefined && engine !== 'kv') throw usageError('`-version` only applies to kv');
      if (version !== undefined && version !== '1' && version !== '2') throw usageError('`-version` must be 1 or 2');
      // As in Vault, the default path is the type as typed (`kv-v2` mounts at `kv-v2/`).
      const path = (flags.path ?? type).replace(/^\/+|\/+$/g, '');
      if (path === '') throw usageError('empty mount path');
      const config = {
        ...(flags.defaultLeaseTtl !== undefined && { default_lease_ttl: flags.defaultLeaseTtl }),
        ...(flags.maxLeaseTtl !== undefined && { max_lease_ttl: flags.maxLeaseTtl }),
      };
      const request: EnableMountRequest = {
        type: engine,
        ...(flags.description !== undefined && { description: flags.description }),
        ...(Object.keys(config).length > 0 && { config }),
        ...(version !== undefined && { options: { version } }),
      };
      await api(`enabling ${engine} at ${path}/`, () => ctx.client.sys.enableMount(path, request));
      if (ctx.format === 'table') io.out(`Success! Enabled the ${type} secrets engine at: ${path}/\n`);
    });

  withClientFlags(secrets.command('disable'))
    .description('unmount a secrets engine and revoke its leases')
    .argument('<path>')
    .action(async (arg: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const path = arg.replace(/^\/+|\/+$/g, '');
      await api(`disabling ${path}/`, () => ctx.client.sys.disableMount(path));
      if (ctx.format === 'table') io.out(`Success! Disabled the secrets engine (if it existed) at: ${path}/\n`);
    });

  withClientFlags(secrets.command('list'))
    .description('list the mounted secrets engines')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const mounts = await api('listing secrets engines', () => ctx.client.sys.mounts());
      if (ctx.format !== 'table') return io.out(structured(ctx.format, mounts));
      const rows = Object.entries(mounts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([path, m]) => [path, m.options?.['version'] ? `${m.type} (v${m.options['version']})` : m.type, m.accessor ?? '', m.description || 'n/a']);
      io.out(columns(['Path', 'Type', 'Accessor', 'Description'], rows));
    });

  return secrets;
}
