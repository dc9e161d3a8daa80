import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { keyList, keyValueTable, toJson } from '../output.js';
import { step, usage } from './exit-codes.js';
import { loadContext, readNamedFile } from './provisioning-context.js';
import { migrateCommand } from './migrate-command.js';
import { renderCommand } from './render-command.js';

const positiveInt = (name: string) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw usage(`\`--${name}\` must be a positive integer, got \`${value}\``);
  return Number(value);
};

/** `provisioning secrets …`: the platform's secrets commands. PATHs are relative to `vault_mount`. */
export function secretsCommands(io: CliIo): Command {
  const secrets = new Command('secrets').description('read, write, rotate and migrate secrets (paths relative to vault_mount)');

  secrets
    .command('get')
    .description('print the secret\'s value (JSON when it has fields other than `value`)')
    .argument('<path>', 'secret path, e.g. database/prod/password')
    .action(async (path: string, _flags: unknown, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const secret = await step(`reading \`${path}\``, () => ctx.provider.read(path));
      if (ctx.format === 'json') return io.out(toJson({ path, value: secret.value, data: secret.data, ...(secret.version !== undefined && { version: secret.version }) }));
      io.out(`${secret.value}\n`);
    });

  secrets
    .command('set')
    .description('write a new version; the value comes from --value, --file, or stdin (keeps it out of shell history)')
    .argument('<path>', 'secret path')
    .option('--value <value>', 'the value')
    .option('--file <file>', 'read the value from a file (as is)')
    .action(async (path: string, flags: { value?: string; file?: string }, cmd: Command) => {
      if (flags.value !== undefined && flags.file !== undefined) throw usage('give either `--value` or `--file`, not both');
      const ctx = await loadContext(cmd, io);
      const value =
        flags.value ?? (flags.file !== undefined ? await readNamedFile(io, flags.file, 'value file') : (await io.readStdin()).replace(/\r?\n$/, ''));
      const result = await step(`writing \`${path}\``, () => ctx.provider.set(path, value));
      if (ctx.format === 'json') return io.out(toJson(result));
      io.out(`Success! Wrote ${result.path} (version ${result.version})\n`);
    });

  secrets
    .command('list')
    .description('list the keys below a prefix (folders end in /)')
    .argument('[prefix]', 'path prefix', '')
    .action(async (prefix: string, _flags: unknown, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const keys = await step(`listing \`${prefix || '/'}\``, () => ctx.provider.list(prefix));
      if (ctx.format === 'json') return io.out(toJson(keys));
      if (keys.length === 0) return io.err(`No secrets under ${prefix || '/'}\n`);
      io.out(keyList(keys));
    });

  secrets
    .command('rotate')
    .description('write a new random value as a new version (the old version is kept)')
    .argument('<path>', 'secret path (must exist)')
    .option('--length <bytes>', 'random bytes in the new value (base64url-encoded)', positiveInt('length'), 32)
    .action(async (path: string, flags: { length: number }, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const result = await step(`rotating \`${path}\``, () => ctx.provider.rotate(path, { length: flags.length }));
      if (ctx.format === 'json') return io.out(toJson(result));
      io.out(`Success! Rotated ${result.path}: now version ${result.version}\n`);
    });

  secrets
    .command('rollback')
    .description('write the value of an earlier version as a new version')
    .argument('<path>', 'secret path')
    .requiredOption('--version <n>', 'the version to restore', positiveInt('version'))
    .action(async (path: string, flags: { version: number }, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const result = await step(`rolling back \`${path}\` to version ${flags.version}`, () => ctx.provider.rollback(path, flags.version));
      if (ctx.format === 'json') return io.out(toJson({ ...result, restored_version: flags.version }));
      io.out(`Success! Restored version ${flags.version} of ${result.path} as version ${result.version}\n`);
    });

  const lease = secrets.command('lease').description('renew or revoke a dynamic secret\'s lease');
  lease
    .command('renew')
    .argument('<lease_id>', 'the lease id')
    .option('--increment <seconds>', 'seconds to extend by (default: the lease\'s TTL)', positiveInt('increment'))
    .action(async (leaseId: string, flags: { increment?: number }, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      const renewed = await step(`renewing \`${leaseId}\``, () => ctx.vault().lease.renew(leaseId, flags.increment ?? 0));
      if (ctx.format === 'json') return io.out(toJson(renewed));
      io.out(keyValueTable({ lease_id: renewed.lease_id, lease_duration: renewed.lease_duration, renewable: renewed.renewable }, false));
    });
  lease
    .command('revoke')
    .argument('<lease_id>', 'the lease id')
    .action(async (leaseId: string, _flags: unknown, cmd: Command) => {
      const ctx = await loadContext(cmd, io);
      await step(`revoking \`${leaseId}\``, () => ctx.vault().lease.revoke(leaseId));
      if (ctx.format === 'json') return io.out(toJson({ lease_id: leaseId, revoked: true }));
      io.out(`Success! Revoked ${leaseId}\n`);
    });

  secrets
    .command('db-creds')
    .description('new database credentials as JSON: username, password, lease_id, lease_duration')
    .argument('<role>', 'database role')
    .option('--mount <mount>', 'database engine mount', 'database')
    .action(async (role: string, flags: { mount: string }, cmd: Command) => {
      // JSON unless --format table: scripts pipe it to jq.
      const ctx = await loadContext(cmd, io, 'json');
      const creds = await step(`generating credentials for \`${role}\``, () => ctx.vault().database(flags.mount).creds(role));
      const out = { username: creds.username, password: creds.password, lease_id: creds.lease_id, lease_duration: creds.lease_duration };
      io.out(ctx.format === 'json' ? toJson(out) : keyValueTable(out, false));
    });

  secrets
    .command('ssh-sign')
    .description('sign an SSH public key with the vault\'s SSH CA; prints the certificate')
    .requiredOption('--role <role>', 'SSH role')
    .requiredOption('--public-key <file>', 'the public key file (e.g. ~/.ssh/id_ed25519.pub)')
    .option('--principals <list>', 'comma-separated principals (default: the role\'s)')
    .option('--ttl <duration>', 'certificate lifetime (default: the role\'s)')
    .option('--cert-type <type>', 'user or host', 'user')
    .option('--mount <mount>', 'SSH engine mount', 'ssh')
    .action(async (flags: { role: string; publicKey: string; principals?: string; ttl?: string; certType: string; mount: string }, cmd: Command) => {
      if (flags.certType !== 'user' && flags.certType !== 'host') throw usage('`--cert-type` must be "user" or "host"');
      const ctx = await loadContext(cmd, io);
      const publicKey = (await readNamedFile(io, flags.publicKey, 'public key')).trim();
      const signed = await step(`signing with role \`${flags.role}\``, () =>
        ctx.vault().ssh(flags.mount).sign(flags.role, {
          public_key: publicKey,
          cert_type: flags.certType as 'user' | 'host',
          ...(flags.principals !== undefined && { valid_principals: flags.principals }),
          ...(flags.ttl !== undefined && { ttl: flags.ttl }),
        }),
      );
      if (ctx.format === 'json') return io.out(toJson(signed));
      io.out(`${signed.signed_key.trim()}\n`);
    });

  secrets.addCommand(migrateCommand(io));
  secrets.addCommand(renderCommand(io));
  return secrets;
}
