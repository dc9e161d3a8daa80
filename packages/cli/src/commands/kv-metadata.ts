import type { KvMetadataWrite } from '@secretumvault/sdk';
import { Command } from 'commander';
import { parseInteger } from '../args.js';
import { createContext } from '../context.js';
import { api, apiOrMissing, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { columns, keyValueTable, sectionTitle, structured } from '../output.js';
import { kvLeaf, kvTarget, type KvFlags } from './kv-path.js';

interface MetadataPutFlags extends KvFlags {
  maxVersions?: number;
  casRequired?: boolean;
  deleteVersionAfter?: string;
  customMetadata?: string[];
}

/** `secretum kv metadata get|put|delete`. */
export function kvMetadataCommand(io: CliIo): Command {
  const metadata = new Command('metadata').description('read and write KV v2 metadata');

  kvLeaf(metadata, 'get')
    .description('show the metadata and versions of a secret')
    .argument('<path>')
    .action(async (arg: string, flags: KvFlags) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const p = t.apiPath('metadata');
      const result = await apiOrMissing(`reading ${p}`, p, () => t.kv.readMetadata(t.path));
      if (ctx.format !== 'table') return io.out(structured(ctx.format, result));
      const { versions, ...rest } = result.data;
      const rows = Object.entries(versions ?? {})
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([v, info]) => [v, info.created_time, info.deletion_time || 'n/a', String(info.destroyed)]);
      io.out(
        `${sectionTitle('Metadata Path')}${p}\n\n${sectionTitle('Metadata')}${keyValueTable(rest)}\n` +
          `${sectionTitle('Versions')}${columns(['Version', 'Created', 'Deleted', 'Destroyed'], rows)}`,
      );
    });

  kvLeaf(metadata, 'put')
    .description('write metadata settings (creates no version)')
    .argument('<path>')
    .option('--max-versions <n>', 'versions to keep (0 = mount default)', parseInteger('max-versions'))
    .option('--cas-required', 'require check-and-set on writes')
    .option('--no-cas-required', 'do not require check-and-set')
    .option('--delete-version-after <duration>', 'delete versions after this long ("0s" = never)')
    .option('--custom-metadata <key=value>', 'custom metadata (repeatable)', collectPairs)
    .action(async (arg: string, flags: MetadataPutFlags) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const body: KvMetadataWrite = {
        ...(flags.maxVersions !== undefined && { max_versions: flags.maxVersions }),
        ...(flags.casRequired !== undefined && { cas_required: flags.casRequired }),
        ...(flags.deleteVersionAfter !== undefined && { delete_version_after: flags.deleteVersionAfter }),
        ...(flags.customMetadata !== undefined && { custom_metadata: toPairs(flags.customMetadata) }),
      };
      const p = t.apiPath('metadata');
      await api(`writing ${p}`, () => t.kv.writeMetadata(t.path, body));
      if (ctx.format === 'table') io.out(`Success! Data written to: ${p}\n`);
    });

  kvLeaf(metadata, 'delete')
    .description('delete every version and the metadata of a secret')
    .argument('<path>')
    .action(async (arg: string, flags: KvFlags) => {
      const ctx = createContext(flags, io);
      const t = kvTarget(ctx, arg, flags);
      const p = t.apiPath('metadata');
      await api(`deleting ${p}`, () => t.kv.deleteMetadata(t.path));
      if (ctx.format === 'table') io.out(`Success! Data deleted (if it existed) at: ${p}\n`);
    });

  return metadata;
}

function collectPairs(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function toPairs(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`\`-custom-metadata\` expects key=value, got \`${v}\``);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
