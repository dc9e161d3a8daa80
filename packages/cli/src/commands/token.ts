import type { TokenCreateRequest, VaultAuth, VaultAuthResponse } from '@secretumvault/sdk';
import { Command } from 'commander';
import { collect, parseInteger } from '../args.js';
import { createContext, withClientFlags, type ClientFlags, type CommandContext } from '../context.js';
import { api, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { fieldValue, keyValueTable, structured } from '../output.js';

interface CreateFlags extends ClientFlags {
  policy?: string[];
  ttl?: string;
  explicitMaxTtl?: string;
  period?: string;
  orphan?: boolean;
  displayName?: string;
  useLimit?: number;
  renewable?: boolean;
  metadata?: string[];
  id?: string;
  role?: string;
  type?: string;
  /** `--no-default-policy` sets this to false. */
  defaultPolicy?: boolean;
  field?: string;
}

/** `secretum token create|lookup|renew|revoke`. */
export function tokenCommand(io: CliIo): Command {
  const token = new Command('token').description('create, inspect, renew and revoke tokens');

  withClientFlags(token.command('create'))
    .description('create a token (a child of the calling token unless -orphan)')
    .option('--policy <name>', 'policy to attach (repeatable)', collect)
    .option('--ttl <duration>', 'initial TTL, e.g. 1h')
    .option('--explicit-max-ttl <duration>', 'hard maximum lifetime')
    .option('--period <duration>', 'periodic token: renewable forever by this period')
    .option('--orphan', 'create a token with no parent')
    .option('--display-name <name>', 'display name')
    .option('--use-limit <n>', 'number of uses (0 = unlimited)', parseInteger('use-limit'))
    .option('--renewable', 'allow renewal (default)')
    .option('--no-renewable', 'forbid renewal')
    .option('--metadata <key=value>', 'metadata (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--id <id>', 'the token id (root only)')
    .option('--role <name>', 'create against a token role')
    .option('--type <type>', 'service or batch')
    .option('--no-default-policy', 'do not attach the default policy')
    .option('--field <name>', 'print only this field (e.g. token)')
    .action(async (flags: CreateFlags) => {
      const ctx = createContext(flags, io);
      if (flags.type !== undefined && flags.type !== 'service' && flags.type !== 'batch') {
        throw usageError('`-type` must be "service" or "batch"');
      }
      const request: TokenCreateRequest = {
        ...(flags.policy && { policies: flags.policy }),
        ...(flags.ttl !== undefined && { ttl: flags.ttl }),
        ...(flags.explicitMaxTtl !== undefined && { explicit_max_ttl: flags.explicitMaxTtl }),
        ...(flags.period !== undefined && { period: flags.period }),
        ...(flags.displayName !== undefined && { display_name: flags.displayName }),
        ...(flags.useLimit !== undefined && { num_uses: flags.useLimit }),
        ...(flags.renewable !== undefined && { renewable: flags.renewable }),
        ...(flags.metadata && { meta: metadataPairs(flags.metadata) }),
        ...(flags.id !== undefined && { id: flags.id }),
        ...(flags.role !== undefined && { role_name: flags.role }),
        ...(flags.type !== undefined && { type: flags.type as 'service' | 'batch' }),
        ...(flags.defaultPolicy === false && { no_default_policy: true }),
      };
      const result = await api('creating token', () =>
        flags.orphan ? ctx.client.token.createOrphan(request) : ctx.client.token.create(request),
      );
      printAuth(ctx, result, flags.field);
    });

  withClientFlags(token.command('lookup'))
    .description('show a token (the calling token when TOKEN is omitted)')
    .argument('[token]')
    .option('--accessor', 'TOKEN is an accessor')
    .action(async (value: string | undefined, flags: ClientFlags & { accessor?: boolean }) => {
      const ctx = createContext(flags, io);
      if (flags.accessor && value === undefined) throw usageError('`-accessor` needs an accessor argument');
      const result = await api('looking up token', () =>
        value === undefined
          ? ctx.client.token.lookupSelf()
          : flags.accessor
            ? ctx.client.token.lookupAccessor(value)
            : ctx.client.token.lookup(value),
      );
      if (ctx.format !== 'table') return io.out(structured(ctx.format, result));
      io.out(keyValueTable({ ...result.data }));
    });

  withClientFlags(token.command('renew'))
    .description('renew a token (the calling token when TOKEN is omitted)')
    .argument('[token]')
    .option('--increment <duration>', 'requested extension, e.g. 1h')
    .action(async (value: string | undefined, flags: ClientFlags & { increment?: string }) => {
      const ctx = createContext(flags, io);
      const result = await api('renewing token', () =>
        value === undefined ? ctx.client.token.renewSelf(flags.increment) : ctx.client.token.renew(value, flags.increment),
      );
      printAuth(ctx, result);
    });

  withClientFlags(token.command('revoke'))
    .description('revoke a token, its children and their leases')
    .argument('[token]')
    .option('--self', 'revoke the calling token')
    .option('--accessor', 'TOKEN is an accessor')
    .action(async (value: string | undefined, flags: ClientFlags & { self?: boolean; accessor?: boolean }) => {
      const ctx = createContext(flags, io);
      if (flags.self && value !== undefined) throw usageError('give a token or -self, not both');
      if (!flags.self && value === undefined) throw usageError('give the token to revoke, or -self');
      await api('revoking token', () =>
        flags.self
          ? ctx.client.token.revokeSelf()
          : flags.accessor
            ? ctx.client.token.revokeAccessor(value!)
            : ctx.client.token.revoke(value!),
      );
      if (ctx.format === 'table') io.out('Success! Revoked token (if it existed)\n');
    });

  return token;
}

function metadataPairs(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`\`-metadata\` expects key=value, got \`${v}\``);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** Vault's token table: `token`, `token_accessor`, `token_duration`, … */
export function authRows(auth: VaultAuth): Record<string, unknown> {
  return {
    token: auth.client_token,
    token_accessor: auth.accessor,
    token_duration: auth.lease_duration === 0 ? '∞' : formatSeconds(auth.lease_duration),
    token_renewable: auth.renewable,
    token_policies: auth.token_policies ?? auth.policies,
    identity_policies: auth.identity_policies ?? [],
    policies: auth.policies,
    ...(auth.metadata && Object.keys(auth.metadata).length > 0 && { token_meta: auth.metadata }),
  };
}

export function printAuth(ctx: CommandContext, result: VaultAuthResponse, field?: string): void {
  const rows = authRows(result.auth);
  if (field !== undefined) return ctx.io.out(fieldValue(rows, field, 'the token'));
  if (ctx.format !== 'table') return ctx.io.out(structured(ctx.format, result));
  const warnings = (result.warnings ?? []).map((w) => `WARNING! ${w}\n\n`).join('');
  ctx.io.out(warnings + keyValueTable(rows, false));
}

/** `3661` → `1h1m1s`, as Go's time.Duration prints. */
export function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}
