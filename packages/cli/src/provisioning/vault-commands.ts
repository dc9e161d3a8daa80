import type { SealStatus } from '@secretumvault/sdk';
import { Command } from 'commander';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { keyValueTable, toJson } from '../output.js';
import { EXIT, step, usage } from './exit-codes.js';
import { loadContext, type ProvisioningContext } from './provisioning-context.js';

const count = (name: string) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw usage(`\`--${name}\` must be a positive integer, got \`${value}\``);
  return Number(value);
};

/** `provisioning vault init|unseal|status|seal`, against `vault_addr` (or `$VAULT_ADDR`). */
export function vaultCommands(io: CliIo): Command {
  const vault = new Command('vault').description('initialise, unseal, seal and check the vault');

  vault
    .command('init')
    .description('initialise the vault: prints the unseal key shares and the root token')
    .option('--key-shares <n>', 'number of key shares', count('key-shares'), 5)
    .option('--key-threshold <n>', 'shares needed to unseal', count('key-threshold'), 3)
    .action(async (flags: { keyShares: number; keyThreshold: number }, cmd: Command) => {
      if (flags.keyThreshold > flags.keyShares) throw usage('`--key-threshold` cannot exceed `--key-shares`');
      const ctx = await loadContext(cmd, io);
      const result = await step('initialising', () => ctx.vault().sys.init({ secret_shares: flags.keyShares, secret_threshold: flags.keyThreshold }));
      if (ctx.format === 'json') return io.out(toJson(result));
      io.out(
        `${result.keys_base64.map((k, i) => `Unseal Key ${i + 1}: ${k}`).join('\n')}\n\nInitial Root Token: ${result.root_token}\n\n` +
          `Initialised with ${flags.keyShares} key shares and a threshold of ${flags.keyThreshold}. ` +
          `Store the shares apart: ${flags.keyThreshold} of them unseal the vault after every restart.\n`,
      );
    });

  vault
    .command('unseal')
    .description('give one unseal key share (read without echo from the terminal or stdin when KEY is omitted)')
    .argument('[key]', 'the key share; omit (or -) to keep it out of shell history')
    .option('--reset', 'discard the shares given so far')
    .action(async (key: string | undefined, flags: { reset?: boolean }, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      let request: string | { reset: true };
      if (flags.reset) request = { reset: true };
      else {
        request = key === undefined || key === '-' ? (await io.readSecret('Unseal Key (will be hidden): ')).trim() : key;
        if (request === '') throw usage('no unseal key given');
      }
      const req = request;
      printStatus(ctx, await step('unsealing', () => ctx.vault().sys.unseal(req)));
    });

  vault
    .command('status')
    .description(`show the seal status (exit ${EXIT.UNAVAILABLE} when sealed)`)
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const status = await step('checking seal status', () => ctx.vault().sys.sealStatus());
      printStatus(ctx, status);
      if (status.sealed) throw new CliError('', EXIT.UNAVAILABLE);
    });

  vault
    .command('seal')
    .description('seal the vault')
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      await step('sealing', () => ctx.vault().sys.seal());
      if (ctx.format === 'json') return io.out(toJson({ sealed: true }));
      io.out('Success! The vault is sealed.\n');
    });

  return vault;
}

function printStatus(ctx: ProvisioningContext, s: SealStatus): void {
  if (ctx.format === 'json') return ctx.io.out(toJson(s));
  const rows: Record<string, unknown> = { Initialized: s.initialized, Sealed: s.sealed, 'Total Shares': s.n, Threshold: s.t };
  if (s.sealed) rows['Unseal Progress'] = `${s.progress}/${s.t}`;
  rows['Version'] = s.version;
  rows['Address'] = ctx.vault().address;
  ctx.io.out(keyValueTable(rows, false));
}
