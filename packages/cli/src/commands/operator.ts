import type { SealStatus } from '@secretumvault/sdk';
import { Command } from 'commander';
import { parseInteger } from '../args.js';
import { createContext, withClientFlags, type ClientFlags, type CommandContext } from '../context.js';
import { api, CliError, EXIT_USAGE, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { keyValueTable, structured } from '../output.js';

/** `secretum operator …`: init, unseal, seal, status, rotate, key-status. */
export function operatorCommand(io: CliIo): Command {
  const operator = new Command('operator').description('initialise, unseal, seal and inspect the server');

  withClientFlags(operator.command('init'))
    .description('initialise a new server and print its unseal keys and root token')
    .option('--key-shares <n>', 'number of key shares', parseInteger('key-shares', 1), 5)
    .option('--key-threshold <n>', 'shares needed to unseal', parseInteger('key-threshold', 1), 3)
    .action(async (flags: ClientFlags & { keyShares: number; keyThreshold: number }) => {
      if (flags.keyThreshold > flags.keyShares) throw usageError('`-key-threshold` cannot exceed `-key-shares`');
      const ctx = createContext(flags, io);
      const result = await api('initializing', () =>
        ctx.client.sys.init({ secret_shares: flags.keyShares, secret_threshold: flags.keyThreshold }),
      );
      if (ctx.format !== 'table') return io.out(structured(ctx.format, result));
      const lines = result.keys_base64.map((key, i) => `Unseal Key ${i + 1}: ${key}`);
      io.out(
        `${lines.join('\n')}\n\nInitial Root Token: ${result.root_token}\n\n` +
          `Vault initialized with ${flags.keyShares} key shares and a key threshold of ${flags.keyThreshold}. ` +
          `Please securely distribute the key shares printed above. When the server is re-sealed, restarted, ` +
          `or stopped, you must supply at least ${flags.keyThreshold} of these keys to unseal it before it can ` +
          `start servicing requests.\n`,
      );
    });

  withClientFlags(operator.command('unseal'))
    .description('provide one unseal key share (read from stdin when KEY is omitted)')
    .argument('[key]', 'the key share; omit or use - to read it from stdin')
    .option('--reset', 'discard the key shares provided so far')
    .action(async (key: string | undefined, flags: ClientFlags & { reset?: boolean }) => {
      const ctx = createContext(flags, io);
      let request: string | { reset: true };
      if (flags.reset) request = { reset: true };
      else {
        const share = key === undefined || key === '-' ? (await io.readSecret('Unseal Key (will be hidden): ')).trim() : key;
        if (share === '') throw usageError('no unseal key given');
        request = share;
      }
      printSealStatus(ctx, await api('unsealing', () => ctx.client.sys.unseal(request)));
    });

  withClientFlags(operator.command('seal'))
    .description('seal the server')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      await api('sealing', () => ctx.client.sys.seal());
      if (ctx.format === 'table') io.out('Success! Vault is sealed.\n');
    });

  operator.addCommand(statusCommand(io));

  withClientFlags(operator.command('rotate'))
    .description('rotate the barrier encryption key')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      await api('rotating key', () => ctx.client.sys.rotate());
      const status = await api('checking key status', () => ctx.client.sys.keyStatus());
      if (ctx.format !== 'table') return io.out(structured(ctx.format, status));
      io.out(`Success! Rotated key\n\n${keyValueTable({ 'Key Term': status.term, 'Install Time': status.install_time }, false)}`);
    });

  withClientFlags(operator.command('key-status'))
    .description('show the current barrier key term')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const status = await api('reading key status', () => ctx.client.sys.keyStatus());
      if (ctx.format !== 'table') return io.out(structured(ctx.format, status));
      io.out(
        keyValueTable(
          { 'Key Term': status.term, 'Install Time': status.install_time, 'Encryption Count': status.encryptions },
          false,
        ),
      );
    });

  return operator;
}

/** `status` (also top-level, as `vault status`): exit code 2 when sealed. */
export function statusCommand(io: CliIo): Command {
  return withClientFlags(new Command('status'))
    .description('show the seal status (exit code 2 when sealed)')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const status = await api('checking seal status', () => ctx.client.sys.sealStatus());
      printSealStatus(ctx, status);
      if (status.sealed) throw new CliError('', EXIT_USAGE);
    });
}

function printSealStatus(ctx: CommandContext, status: SealStatus): void {
  if (ctx.format !== 'table') return ctx.io.out(structured(ctx.format, status));
  const rows: Record<string, unknown> = {
    'Seal Type': status.type,
    Initialized: status.initialized,
    Sealed: status.sealed,
    'Total Shares': status.n,
    Threshold: status.t,
  };
  if (status.sealed) {
    rows['Unseal Progress'] = `${status.progress}/${status.t}`;
    rows['Unseal Nonce'] = status.nonce || 'n/a';
  }
  rows['Version'] = status.version;
  if (status.storage_type) rows['Storage Type'] = status.storage_type;
  if (status.cluster_name) rows['Cluster Name'] = status.cluster_name;
  if (status.cluster_id) rows['Cluster ID'] = status.cluster_id;
  ctx.io.out(keyValueTable(rows, false));
}
