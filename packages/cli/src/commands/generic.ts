import type { VaultAuthResponse, VaultResponse } from '@secretumvault/sdk';
import type { Command } from 'commander';
import { parseKeyValues } from '../args.js';
import { createContext, withClientFlags, type ClientFlags, type CommandContext } from '../context.js';
import { api, apiOrMissing, CliError, EXIT_USAGE } from '../errors.js';
import type { CliIo } from '../io.js';
import { fieldValue, keyList, keyValueTable, structured } from '../output.js';
import { printAuth } from './token.js';

/** `secretum read|write|list|delete PATH` for any path, and `secretum unwrap`. */
export function addGenericCommands(program: Command, io: CliIo): void {
  withClientFlags(program.command('read'))
    .description('read any path')
    .argument('<path>')
    .option('--field <name>', 'print only this key of the data')
    .option('--wrap-ttl <duration>', 'response-wrap the reply for this long (e.g. 60s); unwrap it with `unwrap`')
    .action(async (path: string, flags: WrapFlags) => {
      const ctx = createContext(flags, io);
      const result = await apiOrMissing(`reading ${path}`, path, () => ctx.client.read(path, wrapOptions(flags)));
      printResponse(ctx, path, result, flags.field);
    });

  withClientFlags(program.command('write'))
    .description('write any path: key=value, key=@file, key=- (stdin), @file.json or - (JSON on stdin)')
    .argument('<path>')
    .argument('[data...]')
    .option('--field <name>', 'print only this key of the response')
    .option('--wrap-ttl <duration>', 'response-wrap the reply for this long (e.g. 60s); unwrap it with `unwrap`')
    .action(async (path: string, pairs: string[], flags: WrapFlags) => {
      const ctx = createContext(flags, io);
      const data = await parseKeyValues(pairs, io);
      const result = await api(`writing ${path}`, () => ctx.client.write(path, data, wrapOptions(flags)));
      if (result === undefined) {
        if (ctx.format === 'table') io.out(`Success! Data written to: ${path}\n`);
        return;
      }
      printResponse(ctx, path, result, flags.field);
    });

  withClientFlags(program.command('list'))
    .description('list the keys below any path')
    .argument('<path>')
    .action(async (path: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      const keys = await api(`listing ${path}`, () => ctx.client.list(path));
      if (ctx.format !== 'table') return io.out(structured(ctx.format, keys));
      if (keys.length === 0) throw new CliError(`No value found at ${path}`, EXIT_USAGE);
      io.out(keyList(keys));
    });

  withClientFlags(program.command('delete'))
    .description('delete any path')
    .argument('<path>')
    .action(async (path: string, flags: ClientFlags) => {
      const ctx = createContext(flags, io);
      await api(`deleting ${path}`, () => ctx.client.delete(path));
      if (ctx.format === 'table') io.out(`Success! Data deleted (if it existed) at: ${path}\n`);
    });

  withClientFlags(program.command('unwrap'))
    .description('unwrap a response-wrapping token (the calling token when TOKEN is omitted)')
    .argument('[token]')
    .option('--field <name>', 'print only this key of the unwrapped data')
    .action(async (token: string | undefined, flags: ClientFlags & { field?: string }) => {
      const ctx = createContext(flags, io);
      const result = await api('unwrapping', () => ctx.client.unwrap(token));
      if (result === undefined) {
        if (ctx.format === 'table') io.out('Success! The wrapped response held no data.\n');
        return;
      }
      printResponse(ctx, 'the unwrapped response', result, flags.field);
    });
}

interface WrapFlags extends ClientFlags {
  field?: string;
  wrapTtl?: string;
}

/** `-wrap-ttl` becomes `X-Vault-Wrap-TTL`; the server validates the duration. */
function wrapOptions(flags: WrapFlags): { wrapTtl?: string } {
  return flags.wrapTtl === undefined ? {} : { wrapTtl: flags.wrapTtl };
}

/** A logical response as Vault prints it: lease fields first, then `auth`, `wrap_info` or `data`. */
function printResponse(ctx: CommandContext, path: string, result: VaultResponse<unknown>, field?: string): void {
  if (result.auth) return printAuth(ctx, result as VaultAuthResponse, field);
  const data = (result.data ?? {}) as Record<string, unknown>;
  const wrap = result.wrap_info
    ? {
        wrapping_token: result.wrap_info.token,
        wrapping_accessor: result.wrap_info.accessor,
        wrapping_token_ttl: result.wrap_info.ttl,
        wrapping_token_creation_time: result.wrap_info.creation_time,
        wrapping_token_creation_path: result.wrap_info.creation_path,
      }
    : undefined;
  // As in Vault, `-field=wrapping_token` picks from the wrap rows of a wrapped reply.
  if (field !== undefined) return ctx.io.out(fieldValue(wrap ?? data, field, path));
  if (ctx.format !== 'table') return ctx.io.out(structured(ctx.format, result));
  const lease: Record<string, unknown> = {};
  if (result.lease_id) {
    lease['lease_id'] = result.lease_id;
    lease['lease_duration'] = result.lease_duration;
    lease['lease_renewable'] = result.renewable;
  } else if (result.lease_duration > 0) {
    lease['refresh_interval'] = result.lease_duration;
  }
  const warnings = (result.warnings ?? []).map((w) => `WARNING! ${w}\n\n`).join('');
  const rows = wrap ?? data;
  const sortedRows = Object.fromEntries(Object.entries(rows).sort(([a], [b]) => a.localeCompare(b)));
  ctx.io.out(warnings + keyValueTable({ ...lease, ...sortedRows }, false));
}
