import type { KvVersionMetadata } from '@secretumvault/sdk';
import { Command } from 'commander';
import { parseInteger, parseKeyValues, parseVersions } from '../args.js';
import { createContext, type CommandContext } from '../context.js';
import { api, apiOrMissing, CliError, EXIT_USAGE, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { fieldValue, keyList, keyValueTable, sectionTitle, structured } from '../output.js';
import { kvMetadataCommand } from './kv-metadata.js';
import { kvLeaf, kvTarget, type KvFlags } from './kv-path.js';

/** `secretum kv …` for KV version 2 mounts. */
export function kvCommand(io: CliIo): Command {
  const kvc = new Command('kv').description('read and write KV version 2 secrets');

  kvLeaf(kvc, 'get')
    .description('read a secret (latest version unless -version)')
    .argument('<path>', 'mount/path, or a path with -mount')
    .option('--version <n>', 'version to read', parseInteger('version'))
    .option('--field <name>', 'print only this key of the data')
    .action(async (arg: string, flags: KvFlags & { version?: number; field?: string }) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const p = t.apiPath('data');
      const secret = await apiOrMissing(`reading ${p}`, p, () =>
        t.kv.get(t.path, flags.version === undefined ? {} : { version: flags.version }),
      );
      const data = secret.data?.data;
      if (data === null || data === undefined) throw new CliError(`No value found at ${p}`, EXIT_USAGE);
      if (flags.field !== undefined) return io.out(fieldValue(data, flags.field, p));
      if (ctx.format !== 'table') return io.out(structured(ctx.format, secret));
      io.out(
        `${secretPathBlock(p)}\n${sectionTitle('Metadata')}${keyValueTable({ ...secret.data.metadata })}\n` +
          `${sectionTitle('Data')}${keyValueTable(data)}`,
      );
    });

  for (const [name, verb] of [
    ['put', 'write'],
    ['patch', 'patch'],
  ] as const) {
    kvLeaf(kvc, name)
      .description(name === 'put' ? 'write a new version: key=value, key=@file, key=- (stdin)' : 'merge keys into the latest version (HTTP PATCH)')
      .argument('<path>', 'mount/path, or a path with -mount')
      .argument('[data...]', 'key=value pairs, @file.json or - (JSON on stdin)')
      .option('--cas <n>', 'check-and-set: 0 = only if absent, else the current version', parseInteger('cas'))
      .action(async (arg: string, pairs: string[], flags: KvFlags & { cas?: number }) => {
        const ctx = createContext(flags, io);
        const t = kvTarget(ctx, arg, flags);
        const data = await parseKeyValues(pairs, io);
        if (Object.keys(data).length === 0) throw usageError(`no data given: kv ${name} ${arg} key=value…`);
        const options = flags.cas === undefined ? {} : { cas: flags.cas };
        const p = t.apiPath('data');
        const result = await api(`writing ${p}`, () => (verb === 'write' ? t.kv.put(t.path, data, options) : t.kv.patch(t.path, data, options)));
        printWrite(ctx, p, result);
      });
  }

  kvLeaf(kvc, 'delete')
    .description('soft-delete the latest version, or -versions')
    .argument('<path>')
    .option('--versions <list>', 'comma-separated versions', parseVersions)
    .action(async (arg: string, flags: KvFlags & { versions?: number[] }) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const versions = flags.versions;
      const p = t.apiPath(versions ? 'delete' : 'data');
      await api(`deleting ${p}`, () => (versions ? t.kv.deleteVersions(t.path, versions) : t.kv.delete(t.path)));
      if (ctx.format === 'table') io.out(`Success! Data deleted (if it existed) at: ${p}\n`);
    });

  for (const [name, done] of [
    ['undelete', 'undeleted'],
    ['destroy', 'destroyed'],
  ] as const) {
    kvLeaf(kvc, name)
      .description(name === 'undelete' ? 'restore soft-deleted versions' : 'permanently remove versions')
      .argument('<path>')
      .requiredOption('--versions <list>', 'comma-separated versions', parseVersions)
      .action(async (arg: string, flags: KvFlags & { versions: number[] }) => {
        const ctx = createContext(flags, io);
        const t = kvTarget(ctx, arg, flags);
        const p = t.apiPath(name);
        await api(`writing ${p}`, () => (name === 'undelete' ? t.kv.undelete(t.path, flags.versions) : t.kv.destroy(t.path, flags.versions)));
        if (ctx.format === 'table') io.out(`Success! Data ${done} (if it existed) at: ${p}\n`);
      });
  }

  kvLeaf(kvc, 'rollback')
    .description('write an earlier version as the new latest version')
    .argument('<path>')
    .requiredOption('--version <n>', 'version to restore', parseInteger('version', 1))
    .action(async (arg: string, flags: KvFlags & { version: number }) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const p = t.apiPath('data');
      printWrite(ctx, p, await apiOrMissing(`rolling back ${p}`, `${p} (version ${flags.version})`, () => t.kv.rollback(t.path, flags.version)));
    });

  kvLeaf(kvc, 'list')
    .description('list the keys below a path (folders end in /)')
    .argument('<path>')
    .action(async (arg: string, flags: KvFlags) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags, true);
      const p = t.apiPath('metadata');
      const keys = await api(`listing ${p}`, () => t.kv.list(t.path));
      if (ctx.format !== 'table') return io.out(structured(ctx.format, keys));
      if (keys.length === 0) throw new CliError(`No value found at ${p}`, EXIT_USAGE);
      io.out(keyList(keys));
    });

  kvc.addCommand(kvMetadataCommand(io));
  return kvc;
}

function secretPathBlock(path: string): string {
  return `${sectionTitle('Secret Path')}${path}\n`;
}

function printWrite(ctx: CommandContext, path: string, result: { data: KvVersionMetadata }): void {
  if (ctx.format !== 'table') return ctx.io.out(structured(ctx.format, result));
  ctx.io.out(`${secretPathBlock(path)}\n${sectionTitle('Metadata')}${keyValueTable({ ...result.data })}`);
}
