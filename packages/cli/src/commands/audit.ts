import type { VaultResponse } from '@secretumvault/sdk';
import { Command } from 'commander';
import { parseKeyValues } from '../args.js';
import { createContext, withClientFlags, type ClientFlags } from '../context.js';
import { api, CliError, EXIT_ERROR, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { columns, structured } from '../output.js';
import { verifyAuditLog } from './audit-verify.js';

interface DeviceInfo {
  type: string;
  description: string;
  options: Record<string, string>;
  path: string;
}

/** `secretum audit enable|disable|list|verify|report`. */
export function auditCommand(io: CliIo): Command {
  const audit = new Command('audit').description('enable, list and verify audit devices; report access history');

  withClientFlags(audit.command('enable'))
    .description('enable an audit device: TYPE (file, syslog, database) and its options as key=value')
    .argument('<type>')
    .argument('[options...]')
    .option('--path <name>', 'the device name (default: the type)')
    .option('--description <text>', 'a human-friendly description')
    .option('--local', 'accepted for compatibility')
    .action(async (type: string, pairs: string[], flags: ClientFlags & { path?: string; description?: string; local?: boolean }) => {
      const ctx = createContext(flags, io);
      const options = Object.fromEntries(Object.entries(await parseKeyValues(pairs, io)).map(([k, v]) => [k, String(v)]));
      const name = (flags.path ?? type).replace(/\/+$/, '');
      await api(`enabling audit device ${name}`, () =>
        ctx.client.write(`sys/audit/${name}`, {
          type,
          options,
          ...(flags.description !== undefined && { description: flags.description }),
          ...(flags.local && { local: true }),
        }),
      );
      if (ctx.format === 'table') io.out(`Success! Enabled the ${type} audit device at: ${name}/\n`);
    });

  withClientFlags(audit.command('disable'))
    .description('disable an audit device (its salt is deleted)')
    .argument('<path>')
    .action(async (path: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const name = path.replace(/\/+$/, '');
      await api(`disabling audit device ${name}`, () => ctx.client.delete(`sys/audit/${name}`));
      if (ctx.format === 'table') io.out(`Success! Disabled audit device (if it was enabled) at: ${name}/\n`);
    });

  withClientFlags(audit.command('list'))
    .description('list the enabled audit devices')
    .option('--detailed', 'show options as well')
    .action(async (flags: ClientFlags & { detailed?: boolean }) => {
      const ctx = createContext(flags, io);
      const devices = await listDevices(ctx.client.read.bind(ctx.client));
      if (ctx.format !== 'table') return io.out(structured(ctx.format, devices));
      const names = Object.keys(devices).sort();
      if (names.length === 0) return io.out('No audit devices are enabled.\n');
      const header = flags.detailed ? ['Path', 'Type', 'Description', 'Options'] : ['Path', 'Type', 'Description'];
      io.out(
        columns(
          header,
          names.map((n) => {
            const d = devices[n]!;
            const row = [n, d.type, d.description];
            if (flags.detailed) row.push(Object.entries(d.options).map(([k, v]) => `${k}=${v}`).join(' '));
            return row;
          }),
        ),
      );
    });

  audit
    .command('verify')
    .description('check an audit log’s hash chain and signed checkpoints; exits 1 at the first problem')
    .argument('<file>')
    .option('--public-key <pem-file>', 'the device’s public key (from sys/audit/NAME/public-key)')
    .option('--allow-unsigned-tail', 'a live log: accept entries after the last signed checkpoint')
    .action(async (file: string, flags: { publicKey?: string; allowUnsignedTail?: boolean }) => {
      const text = await readOrFail(io, file);
      const pem = flags.publicKey !== undefined ? await readOrFail(io, flags.publicKey) : undefined;
      let result;
      try {
        result = verifyAuditLog(text, { ...(pem !== undefined && { publicKeyPem: pem }), ...(flags.allowUnsignedTail && { allowUnsignedTail: true }) });
      } catch (err) {
        throw usageError(`cannot use the public key: ${(err as Error).message.split('\n')[0]}`);
      }
      if (!result.ok) throw new CliError(`${file}:${result.problem!.line}: ${result.problem!.message}`, EXIT_ERROR);
      io.out(
        `OK: ${result.entries} entries, ${result.checkpoints} checkpoints, ${result.segments} segment(s)` +
          (result.signaturesChecked ? ', signatures valid\n' : '\n'),
      );
      if (!result.signaturesChecked) io.err('Warning: signatures not checked; pass --public-key to detect forged entries\n');
    });

  withClientFlags(audit.command('report'))
    .description('who accessed what, when, and which policy allowed or denied it (database devices)')
    .option('--path <prefix>', 'request path prefix, e.g. secret/data/database/prod')
    .option('--since <when>', 'RFC 3339 time or a duration back from now, e.g. 30d')
    .option('--until <when>', 'RFC 3339 time or a duration back from now')
    .option('--principal <principal>', 'e.g. User::"alice"')
    .option('--operation <op>', 'read, create, update, patch, delete or list')
    .option('--decision <d>', 'allow or deny')
    .option('--device <name>', 'the database audit device (default: the only one)')
    .action(async (flags: ClientFlags & ReportFlags) => {
      const ctx = createContext(flags, io);
      let device = flags.device;
      if (device === undefined) {
        const devices = await listDevices(ctx.client.read.bind(ctx.client));
        const db = Object.entries(devices).filter(([, d]) => d.type === 'database');
        if (db.length !== 1) throw usageError(db.length === 0 ? 'no database audit device is enabled' : 'several database devices: pass `--device`');
        device = db[0]![0].replace(/\/$/, '');
      }
      const rows: Record<string, unknown>[] = [];
      let after: string | undefined;
      do {
        const page = await api('querying the audit log', () =>
          ctx.client.write<{ entries: Record<string, unknown>[]; next_cursor: string | null }>(`sys/audit/${device}/query`, {
            type: 'response',
            limit: 1000,
            ...(flags.path !== undefined && { path: flags.path }),
            ...(flags.since !== undefined && { since: flags.since }),
            ...(flags.until !== undefined && { until: flags.until }),
            ...(flags.principal !== undefined && { principal: flags.principal }),
            ...(flags.operation !== undefined && { operation: flags.operation }),
            ...(flags.decision !== undefined && { decision: flags.decision }),
            ...(after !== undefined && { after }),
          }),
        );
        const data = (page as VaultResponse<{ entries: Record<string, unknown>[]; next_cursor: string | null }> | undefined)?.data;
        rows.push(...(data?.entries ?? []));
        after = data?.next_cursor ?? undefined;
      } while (after !== undefined);
      if (ctx.format !== 'table') return io.out(structured(ctx.format, rows));
      if (rows.length === 0) return io.out('No matching audit entries.\n');
      io.out(columns(['Time', 'Who', 'Operation', 'Path', 'Decision', 'Policies', 'Status'], rows.map(reportRow)));
    });

  return audit;
}

interface ReportFlags {
  path?: string;
  since?: string;
  until?: string;
  principal?: string;
  operation?: string;
  decision?: string;
  device?: string;
}

function reportRow(e: Record<string, any>): string[] {
  const auth = e['auth'] ?? {};
  const who = auth.display_name ? `${auth.display_name} (${auth.principal ?? ''})` : (auth.principal ?? 'unauthenticated');
  const cedar = e['cedar_policy'];
  return [
    String(e['time'] ?? ''),
    who,
    String(e['request']?.operation ?? ''),
    String(e['request']?.path ?? ''),
    cedar ? String(cedar.decision) : 'none',
    cedar ? (cedar.policy_ids ?? []).join(',') : '',
    String(e['response']?.status ?? '') + (e['error'] ? ` ${e['error']}` : ''),
  ];
}

async function listDevices(read: (path: string) => Promise<VaultResponse<Record<string, unknown>>>): Promise<Record<string, DeviceInfo>> {
  const res = await api('listing audit devices', () => read('sys/audit'));
  return (res.data ?? {}) as Record<string, DeviceInfo>;
}

async function readOrFail(io: CliIo, file: string): Promise<string> {
  try {
    return await io.readFile(file);
  } catch {
    throw usageError(`cannot read \`${file}\``);
  }
}
