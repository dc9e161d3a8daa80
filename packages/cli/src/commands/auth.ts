import type { EnableAuthRequest, MountConfig, MountTable } from '@secretumvault/sdk';
import { Command } from 'commander';
import { collect } from '../args.js';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { columns, formatValue, structured } from '../output.js';
import { formatSeconds } from './token.js';

/** Settings both `enable` and `tune` take (Vault's `sys/auth/:path/tune` fields). */
interface ConfigFlags extends ClientFlags {
  description?: string;
  defaultLeaseTtl?: string;
  maxLeaseTtl?: string;
  listingVisibility?: string;
  tokenType?: string;
  auditNonHmacRequestKeys?: string[];
  auditNonHmacResponseKeys?: string[];
  passthroughRequestHeaders?: string[];
  allowedResponseHeaders?: string[];
}

interface EnableFlags extends ConfigFlags {
  path?: string;
  local?: boolean;
  sealWrap?: boolean;
}

/** `secretum auth enable|disable|list|tune`: the auth methods in `sys/auth`. */
export function authCommand(io: CliIo): Command {
  const auth = new Command('auth').description('enable, disable, list and tune auth methods');

  withConfigFlags(withClientFlags(auth.command('enable')))
    .description('enable an auth method (at the path of its type unless -path)')
    .argument('<type>', 'auth method type: userpass, approle, cert, jwt, …')
    .option('--path <path>', 'mount path below auth/ (default: the type)')
    .option('--local', 'do not replicate the mount')
    .option('--seal-wrap', 'accepted for compatibility')
    .action(async (type: string, flags: EnableFlags) => {
      const ctx = createContext(flags, io);
      const path = mountPath(flags.path ?? type);
      const config = mountConfig(flags);
      const request: EnableAuthRequest = {
        type,
        ...(flags.description !== undefined && { description: flags.description }),
        ...(Object.keys(config).length > 0 && { config }),
        ...(flags.local && { local: true }),
        ...(flags.sealWrap && { seal_wrap: true }),
      };
      await api(`enabling ${type} auth at ${path}/`, () => ctx.client.sys.enableAuth(path, request));
      if (ctx.format === 'table') io.out(`Success! Enabled ${type} auth method at: ${path}/\n`);
    });

  withClientFlags(auth.command('disable'))
    .description('disable an auth method (Vault also revokes the tokens it issued)')
    .argument('<path>')
    .action(async (arg: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const path = mountPath(arg);
      await api(`disabling auth at ${path}/`, () => ctx.client.sys.disableAuth(path));
      if (ctx.format === 'table') io.out(`Success! Disabled the auth method (if it existed) at: ${path}/\n`);
    });

  withClientFlags(auth.command('list'))
    .description('list the enabled auth methods')
    .option('--detailed', 'show TTLs, token type, options and more')
    .action(async (flags: ClientFlags & { detailed?: boolean }) => {
      const ctx = createContext(flags, io);
      const mounts = await api('listing auth methods', () => ctx.client.sys.auths());
      if (ctx.format !== 'table') return io.out(structured(ctx.format, mounts));
      io.out(flags.detailed ? detailedTable(mounts) : summaryTable(mounts));
    });

  withConfigFlags(withClientFlags(auth.command('tune')))
    .description('change the TTLs, description and settings of an auth method')
    .argument('<path>')
    .action(async (arg: string, flags: ConfigFlags) => {
      const ctx = createContext(flags, io);
      const path = mountPath(arg);
      const request = { ...mountConfig(flags), ...(flags.description !== undefined && { description: flags.description }) };
      if (Object.keys(request).length === 0) throw usageError('nothing to tune: give at least one setting, e.g. `-default-lease-ttl=1h`');
      await api(`tuning auth at ${path}/`, () =>
        ctx.client.request('POST', `sys/auth/${path}/tune`, { body: request }),
      );
      if (ctx.format === 'table') io.out(`Success! Tuned the auth method at: ${path}/\n`);
    });

  return auth;
}

function withConfigFlags(command: Command): Command {
  return command
    .option('--description <text>', 'human-readable description')
    .option('--default-lease-ttl <duration>', 'default TTL of the tokens it issues')
    .option('--max-lease-ttl <duration>', 'maximum TTL of the tokens it issues')
    .option('--listing-visibility <mode>', 'unauth (listed to the login UI) or hidden')
    .option('--token-type <type>', 'default token type: service, batch, default-service, default-batch')
    .option('--audit-non-hmac-request-keys <key>', 'request key audit logs unhashed (repeatable)', collect)
    .option('--audit-non-hmac-response-keys <key>', 'response key audit logs unhashed (repeatable)', collect)
    .option('--passthrough-request-headers <header>', 'request header passed to the method (repeatable)', collect)
    .option('--allowed-response-headers <header>', 'response header the method may set (repeatable)', collect);
}

/** `userpass`, `/userpass/`, `auth/userpass` all name the mount `auth/userpass/`. */
function mountPath(arg: string): string {
  const path = arg.replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  if (path === '') throw usageError('empty auth method path');
  return path;
}

/** The flags as `sys/auth` config fields (wire names); the server validates durations. */
function mountConfig(flags: ConfigFlags): MountConfig {
  if (flags.listingVisibility !== undefined && !['unauth', 'hidden', ''].includes(flags.listingVisibility)) {
    throw usageError('`-listing-visibility` must be "unauth" or "hidden"');
  }
  return {
    ...(flags.defaultLeaseTtl !== undefined && { default_lease_ttl: flags.defaultLeaseTtl }),
    ...(flags.maxLeaseTtl !== undefined && { max_lease_ttl: flags.maxLeaseTtl }),
    ...(flags.listingVisibility !== undefined && { listing_visibility: flags.listingVisibility as 'unauth' | 'hidden' | '' }),
    ...(flags.tokenType !== undefined && { token_type: flags.tokenType }),
    ...(flags.auditNonHmacRequestKeys && { audit_non_hmac_request_keys: flags.auditNonHmacRequestKeys }),
    ...(flags.auditNonHmacResponseKeys && { audit_non_hmac_response_keys: flags.auditNonHmacResponseKeys }),
    ...(flags.passthroughRequestHeaders && { passthrough_request_headers: flags.passthroughRequestHeaders }),
    ...(flags.allowedResponseHeaders && { allowed_response_headers: flags.allowedResponseHeaders }),
  };
}

function sortedEntries(mounts: MountTable): [string, MountTable[string]][] {
  return Object.entries(mounts).sort(([a], [b]) => a.localeCompare(b));
}

/** Vault's `auth list`: Path, Type, Accessor, Description. */
function summaryTable(mounts: MountTable): string {
  return columns(
    ['Path', 'Type', 'Accessor', 'Description'],
    sortedEntries(mounts).map(([path, m]) => [path, m.type, m.accessor ?? '', m.description || 'n/a']),
  );
}

/** Vault's `auth list -detailed`: TTLs as Go durations (`system` when the mount inherits them). */
function detailedTable(mounts: MountTable): string {
  const ttl = (seconds: number | undefined): string => (seconds ? formatSeconds(seconds) : 'system');
  return columns(
    ['Path', 'Type', 'Accessor', 'Default TTL', 'Max TTL', 'Token Type', 'Replication', 'Options', 'Description'],
    sortedEntries(mounts).map(([path, m]) => [
      path,
      m.type,
      m.accessor ?? '',
      ttl(m.config?.default_lease_ttl),
      ttl(m.config?.max_lease_ttl),
      m.config?.token_type ?? 'default-service',
      m.local ? 'local' : 'replicated',
      formatValue(m.options ?? null),
      m.description || 'n/a',
    ]),
  );
}

