import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { describeError, EXIT, exitCodeOf } from './exit-codes.js';
import { loadContext, readNamedFile } from './provisioning-context.js';
import { isNickel, renderTemplate, UnresolvedReferencesError } from './render-template.js';

/**
 * `secrets render FILE [--out F]`: the file with every secret reference replaced. Nothing is
 * written unless every reference resolves; `--out` is written to a temporary file (mode 0600) in
 * the same folder and renamed over the target, so a reader never sees partial output.
 */
export function renderCommand(io: CliIo): Command {
  return new Command('render')
    .description('replace `secrets.get "PATH"` (Nickel) and `{{ secret "PATH" "KEY" }}` with secret values')
    .argument('<file>', 'Nickel file (.ncl) or any text template')
    .option('--out <file>', 'write here (mode 0600) instead of stdout')
    .action(async (file: string, flags: { out?: string }, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const text = await readNamedFile(io, file, 'template');
      let rendered: string;
      let firstError: unknown;
      try {
        rendered = await renderTemplate(text, isNickel(file), async (path) => {
          try {
            return (await ctx.provider.read(path)).data;
          } catch (err) {
            firstError ??= err;
            throw err;
          }
        });
      } catch (err) {
        if (!(err instanceof UnresolvedReferencesError)) throw err;
        // A vault that cannot answer is not a missing secret: keep its exit code (5, 4…).
        const code = firstError === undefined ? EXIT.NOT_FOUND : exitCodeOf(firstError);
        const cause = firstError === undefined ? '' : ` (${describeError(firstError)})`;
        throw new CliError(`Error rendering ${file}: ${err.message}${cause}`, code === EXIT.ERROR ? EXIT.NOT_FOUND : code);
      }
      if (flags.out === undefined) return io.out(rendered);
      await writePrivate(flags.out, rendered);
      if (ctx.format === 'json') io.out(`${JSON.stringify({ file, out: flags.out })}\n`);
    });
}

async function writePrivate(target: string, text: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600); // the umask cannot widen it, but be explicit
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw new CliError(`Error writing \`${target}\`: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, EXIT.ERROR);
  }
}
