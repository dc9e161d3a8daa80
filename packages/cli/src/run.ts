import { Command, CommanderError } from 'commander';
import { normalizeArgv } from './args.js';
import { addGenericCommands } from './commands/generic.js';
import { kvCommand } from './commands/kv.js';
import { operatorCommand, statusCommand } from './commands/operator.js';
import { secretsCommand } from './commands/secrets.js';
import { serverCommand } from './commands/server.js';
import { tokenCommand } from './commands/token.js';
import { leaseCommand } from './commands/lease.js';
import { policyCommand } from './commands/policy.js';
import { auditCommand } from './commands/audit.js';
import { authCommand } from './commands/auth.js';
import { completionCommand } from './commands/completion.js';
import { loginCommand } from './commands/login.js';
import { printCommand } from './commands/print.js';
import { tokenCapabilitiesCommand } from './commands/token-capabilities.js';
import { CliError, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './errors.js';
import type { CliIo } from './io.js';

/** Builds the `secretum` command tree; output goes through `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('secretum')
    .description('SecretumVault: a secrets manager speaking the Vault HTTP API')
    .version('0.1.0', '--version');
  program.addCommand(serverCommand(io));
  program.addCommand(operatorCommand(io));
  program.addCommand(statusCommand(io));
  program.addCommand(kvCommand(io));
  program.addCommand(tokenCommand(io).addCommand(tokenCapabilitiesCommand(io)));
  program.addCommand(leaseCommand(io));
  program.addCommand(policyCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(secretsCommand(io));
  program.addCommand(authCommand(io));
  program.addCommand(loginCommand(io));
  program.addCommand(printCommand(io));
  program.addCommand(completionCommand(io));
  addGenericCommands(program, io);
  configure(program, io);
  return program;
}

/** Every command: commander's output to `io`, and no `process.exit` of its own. */
function configure(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.out(text),
    writeErr: (text) => io.err(text),
    outputError: (text, write) => write(`${usageLine(text, command)}\n`),
  });
  for (const sub of command.commands) configure(sub, io);
}

/**
 * Commander's `error: unknown option '--x'` (a "Did you mean" hint on a second line) becomes one
 * line in the CLI's own form, as every other error is: `Error: unknown option `--x`; see …`.
 */
export function usageLine(text: string, command: Command): string {
  const message = text
    .trim()
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.*)\)$/s, ' (did you mean $1)')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/'([^'\n]+)'/g, '`$1`');
  return `Error: ${message}; see \`${commandPath(command)} --help\``;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Runs `secretum` with `argv` (without node and the script) and resolves to the exit code:
 * 0 success, 1 API or connection error, 2 usage error, "no value found", or sealed on `status`.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CliError) {
      if (err.message !== '') io.err(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // Commander has already printed its message; help and version exit 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    io.err(`Error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    return EXIT_ERROR;
  }
}
