import { Command } from 'commander';
import { resolveToken } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import type { CliIo } from '../io.js';

/**
 * `secretum print token`: the token later commands would send (`-token`, else VAULT_TOKEN, else the
 * token file), as `vault print token` prints it for scripts.
 */
export function printCommand(io: CliIo): Command {
  const print = new Command('print').description('print values the CLI resolves from flags, the environment and the token file');
  print
    .command('token')
    .description('print the token later commands use')
    .option('--token <token>', 'token (default $VAULT_TOKEN, then the token file)')
    .action((flags: { token?: string }) => {
      const token = resolveToken(flags.token, io.env);
      if (token === '') throw new CliError('No token: give -token, set VAULT_TOKEN or run `secretum login`', EXIT_USAGE);
      io.out(`${token}\n`);
    });
  return print;
}
