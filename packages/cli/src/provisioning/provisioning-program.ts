import { Command, CommanderError } from 'commander';
import { normalizeArgv } from '../args.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { usageLine } from '../run.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { secretsCommands } from './secrets-commands.js';
import { vaultCommands } from './vault-commands.js';

const VERSION = '0.1.0';

/** Builds the `provisioning` command tree: `secrets …` and `vault …`. */
export function buildProvisioning(io: CliIo): Command {
  const program = new Command('provisioning')
    .description('the provisioning platform\'s secrets commands, on SecretumVault, SOPS or the environment')
    .option('--config <file>', 'platform TOML with a [secrets] table (default $PROVISIONING_CONFIG)')
    .option('--format <format>', 'table or json');
  program.addCommand(secretsCommands(io));
  program.addCommand(vaultCommands(io));
  configure(program, io);
  return program;
}

function configure(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.out(text),
    writeErr: (text) => io.err(text),
    outputError: (text, write) => write(`${usageLine(text, command)}\n`),
  });
  for (const sub of command.commands) configure(sub, io);
}

/** Runs `provisioning argv…` and resolves to the exit code (see exit-codes.ts). */
export async function runProvisioning(argv: readonly string[], io: CliIo): Promise<number> {
  // No commander `.version()`: its `--version` would swallow `secrets rollback --version N`.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-version')) {
    io.out(`${VERSION}\n`);
    return EXIT.OK;
  }
  const program = buildProvisioning(io);
  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (err instanceof CliError) {
      if (err.message !== '') io.err(`${err.message}\n`);
      return err.exitCode;
    }
    io.err(`Error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    return exitCodeOf(err);
  }
}
