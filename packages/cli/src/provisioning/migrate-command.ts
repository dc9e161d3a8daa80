import { isDeepStrictEqual } from 'node:util';
import { NotFoundError, type KvV2Client } from '@secretumvault/sdk';
import { decryptSops, flattenSecrets, readAgeIdentities } from '@secretumvault/sops';
import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { columns, toJson } from '../output.js';
import { step, usage } from './exit-codes.js';
import { loadContext, mountOf, readNamedFile } from './provisioning-context.js';

type Action = 'created' | 'updated' | 'unchanged';

interface MigrateFlags {
  fromSops: string;
  prefix?: string;
  dryRun?: boolean;
  ageKeyFile?: string;
}

/**
 * `secrets migrate --from-sops FILE`: decrypts a SOPS file (MAC verified: a tampered file is
 * refused before anything is written), flattens it to one secret per leaf (ARCHITECTURE.md) and
 * writes each as `{ value }` on the KV v2 mount. A secret already holding exactly that value gets
 * no new version, so a re-run is idempotent.
 */
export function migrateCommand(io: CliIo): Command {
  return new Command('migrate')
    .description('import a SOPS file (age) into the vault, one secret per leaf; idempotent')
    .requiredOption('--from-sops <file>', 'the SOPS file (yaml, json, ini, env or binary)')
    .option('--prefix <prefix>', 'path prefix for every secret', '')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('--age-key-file <file>', 'age identities (default $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY)')
    .action(async (flags: MigrateFlags, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const keyFile = flags.ageKeyFile ?? (io.env['SOPS_AGE_KEY_FILE'] || undefined);
      const keyText = keyFile !== undefined ? await readNamedFile(io, keyFile, 'age key file') : io.env['SOPS_AGE_KEY'];
      if (!keyText) throw usage('no age key: give `--age-key-file`, or set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY');
      const text = await readNamedFile(io, flags.fromSops, 'SOPS file');
      const secrets = await step(`reading ${flags.fromSops}`, async () => {
        const identities = readAgeIdentities(keyText);
        const tree = await decryptSops(text, { fileName: flags.fromSops, identities });
        return flattenSecrets(tree, flags.prefix ?? '');
      });

      const kv = ctx.vault().kv(mountOf(ctx));
      const results: { path: string; action: Action }[] = [];
      for (const { path, value } of secrets) {
        const action = await step(`reading \`${path}\``, () => planFor(kv, path, value));
        if (action !== 'unchanged' && !flags.dryRun) await step(`writing \`${path}\``, () => kv.put(path, { value }));
        results.push({ path, action });
      }

      const count = (a: Action) => results.filter((r) => r.action === a).length;
      const summary = { created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
      if (ctx.format === 'json') {
        return io.out(toJson({ file: flags.fromSops, prefix: flags.prefix ?? '', dry_run: flags.dryRun === true, ...summary, secrets: results }));
      }
      const verb = flags.dryRun ? 'would be ' : '';
      if (results.length > 0) io.out(columns(['Path', 'Action'], results.map((r) => [r.path, r.action === 'unchanged' ? r.action : verb + r.action])));
      io.out(
        `${flags.dryRun ? 'Dry run: ' : ''}${results.length} secrets from ${flags.fromSops}: ` +
          `${summary.created} ${verb}created, ${summary.updated} ${verb}updated, ${summary.unchanged} unchanged\n`,
      );
    });
}

/** What migrating `value` to `path` does: nothing when the latest version already holds exactly `{ value }`. */
async function planFor(kv: KvV2Client, path: string, value: string): Promise<Action> {
  try {
    const current = await kv.get(path);
    if (current.data.data === null) return 'updated'; // latest version deleted: write it again
    return isDeepStrictEqual(current.data.data, { value }) ? 'unchanged' : 'updated';
  } catch (err) {
    if (err instanceof NotFoundError) return err.body === undefined || isEmptyNotFound(err.body) ? 'created' : 'updated';
    throw err;
  }
}

/** A 404 with an envelope is a deleted latest version (the secret exists); `{ errors: [] }` is nothing there. */
function isEmptyNotFound(body: unknown): boolean {
  return typeof body !== 'object' || body === null || !('data' in body);
}
