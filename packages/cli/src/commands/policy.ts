import { Command } from 'commander';
import { collect } from '../args.js';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, apiOrMissing, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { keyValueTable, structured } from '../output.js';

interface ExplainFlags extends ClientFlags {
  path?: string;
  operation?: string;
  principal?: string;
  group?: string[];
  policy?: string[];
  ttl?: string;
  explainToken?: string;
}

const OPERATIONS = ['read', 'list', 'create', 'update', 'patch', 'delete'];

/**
 * `secretum policy write|read|list|delete|explain`: Cedar policy documents at
 * `sys/policies/cedar/<name>`, and `sys/policies/cedar-explain` to test a decision without
 * performing the request.
 */
export function policyCommand(io: CliIo): Command {
  const policy = new Command('policy').description('write, read, list, delete and explain Cedar policies');

  withClientFlags(policy.command('write'))
    .description('upload a Cedar policy document from FILE, or from stdin with `-`')
    .argument('<name>')
    .argument('<file>')
    .action(async (name: string, file: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const text = file === '-' ? await io.readStdin() : await io.readFile(file).catch(() => {
        throw usageError(`cannot read \`${file}\``);
      });
      await api('uploading policy', () => ctx.client.write(`sys/policies/cedar/${encodeURIComponent(name)}`, { policy: text }));
      io.out(`Success! Uploaded policy: ${name}\n`);
    });

  withClientFlags(policy.command('read'))
    .description('print a policy document')
    .argument('<name>')
    .action(async (name: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const path = `sys/policies/cedar/${encodeURIComponent(name)}`;
      const res = await apiOrMissing('reading policy', path, () => ctx.client.read<{ name: string; policy: string }>(path));
      if (ctx.format !== 'table') io.out(structured(ctx.format, res.data));
      else io.out(res.data.policy.endsWith('\n') ? res.data.policy : `${res.data.policy}\n`);
    });

  withClientFlags(policy.command('list'))
    .description('list policy documents')
    .action(async (flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const keys = await api('listing policies', () => ctx.client.list('sys/policies/cedar'));
      io.out(ctx.format !== 'table' ? structured(ctx.format, keys) : keys.map((k) => `${k}\n`).join(''));
    });

  withClientFlags(policy.command('delete'))
    .description('delete a policy document')
    .argument('<name>')
    .action(async (name: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      await api('deleting policy', () => ctx.client.delete(`sys/policies/cedar/${encodeURIComponent(name)}`));
      io.out(`Success! Deleted policy: ${name}\n`);
    });

  withClientFlags(policy.command('explain'))
    .description('show the decision for a request without performing it (default: the calling token)')
    .requiredOption('--path <path>', 'the request path, mount included (e.g. secret/data/app/db)')
    .option('--operation <op>', `one of ${OPERATIONS.join(', ')}`, 'read')
    .option('--explain-token <token>', 'explain for this token instead of the calling one')
    .option('--principal <principal>', 'explain for a principal, e.g. User::"alice"')
    .option('--group <name>', 'a group of the principal (repeatable)', collect)
    .option('--policy <name>', 'a token policy (Role) of the principal (repeatable)', collect)
    .option('--ttl <duration>', 'the TTL the request would ask for')
    .action(async (flags: ExplainFlags) => {
      const ctx = createContext(flags, io);
      const operation = flags.operation ?? 'read';
      if (!OPERATIONS.includes(operation)) throw usageError(`\`-operation\` must be one of ${OPERATIONS.join(', ')}`);
      if (flags.principal !== undefined && flags.explainToken !== undefined) {
        throw usageError('give `-principal` or `-explain-token`, not both');
      }
      const who =
        flags.principal !== undefined
          ? { principal: flags.principal, ...(flags.group && { groups: flags.group }), ...(flags.policy && { policies: flags.policy }) }
          : { token: flags.explainToken ?? ctx.client.clientToken ?? '' };
      const res = await api('explaining', () =>
        ctx.client.write('sys/policies/cedar-explain', {
          ...who,
          operation,
          path: flags.path,
          ...(flags.ttl !== undefined && { ttl: flags.ttl }),
        }),
      );
      const data = res?.data ?? {};
      io.out(ctx.format !== 'table' ? structured(ctx.format, data) : `${keyValueTable(data, false)}\n`);
    });

  return policy;
}
