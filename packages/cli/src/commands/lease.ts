import { Command } from 'commander';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { keyValueTable, structured } from '../output.js';

/** `secretum lease renew|revoke|lookup|list`, as `vault lease …`. */
export function leaseCommand(io: CliIo): Command {
  const lease = new Command('lease').description('look up, renew, list and revoke leases');

  withClientFlags(lease.command('lookup'))
    .description('show a lease')
    .argument('<lease-id>')
    .action(async (id: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const result = await api('looking up lease', () => ctx.client.lease.lookup(id));
      io.out(ctx.format !== 'table' ? structured(ctx.format, result) : keyValueTable({ ...result }));
    });

  withClientFlags(lease.command('renew'))
    .description('renew a lease')
    .argument('<lease-id>')
    .option('--increment <seconds>', 'requested extension in seconds or as a duration (e.g. 1h)')
    .action(async (id: string, flags: ClientFlags & { increment?: string }) => {
      const ctx = createContext(flags, io);
      const increment = flags.increment === undefined ? 0 : seconds(flags.increment);
      const result = await api('renewing lease', () => ctx.client.lease.renew(id, increment));
      io.out(ctx.format !== 'table' ? structured(ctx.format, result) : keyValueTable({ ...result }));
    });

  withClientFlags(lease.command('revoke'))
    .description('revoke a lease, or every lease under a prefix')
    .argument('<lease-id-or-prefix>')
    .option('--prefix', 'revoke every lease whose id starts with the argument')
    .action(async (id: string, flags: ClientFlags & { prefix?: boolean }) => {
      const ctx = createContext(flags, io);
      await api('revoking lease', () => (flags.prefix ? ctx.client.lease.revokePrefix(id) : ctx.client.lease.revoke(id)));
      if (ctx.format === 'table') io.out(`Success! Revoked ${flags.prefix ? 'any leases with prefix' : 'lease'}: ${id}\n`);
    });

  withClientFlags(lease.command('list'))
    .description('list lease ids one level below a prefix')
    .argument('<prefix>')
    .action(async (prefix: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const keys = await api('listing leases', () => ctx.client.lease.list(prefix));
      if (keys.length === 0) throw usageError(`no leases under \`${prefix}\``);
      io.out(ctx.format !== 'table' ? structured(ctx.format, keys) : ['Keys', '----', ...keys, ''].join('\n'));
    });

  return lease;
}

/** `90`, `90s`, `15m`, `1h` → seconds. */
function seconds(value: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw usageError(`\`-increment\` expects seconds or a duration like 1h, got \`${value}\``);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'] ?? 1;
  return Number(m[1]) * unit;
}
