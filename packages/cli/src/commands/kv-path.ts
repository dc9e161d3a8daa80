import type { KvV2Client } from '@secretumvault/sdk';
import type { Command } from 'commander';
import { withClientFlags, type ClientFlags, type CommandContext } from '../context.js';
import { usageError } from '../errors.js';

export interface KvFlags extends ClientFlags {
  mount?: string;
}

/** A KV v2 path split into its mount and the path inside it. */
export interface KvTarget {
  kv: KvV2Client;
  /** Inside the mount. */
  path: string;
  /** `secret/data/foo`: for messages. */
  apiPath(kind: 'data' | 'metadata' | 'delete' | 'undelete' | 'destroy'): string;
}

/**
 * Vault's two spellings: `secret/foo` (first segment is the mount) or `-mount=secret foo`.
 * Vault's CLI asks `sys/internal/ui/mounts` instead; this one needs no preflight endpoint.
 */
export function splitKvPath(arg: string, mount: string | undefined, allowEmpty = false): { mount: string; path: string } {
  const trimmed = arg.replace(/^\/+/, '');
  let result: { mount: string; path: string };
  if (mount !== undefined) result = { mount: mount.replace(/^\/+|\/+$/g, ''), path: trimmed };
  else {
    const slash = trimmed.indexOf('/');
    result = slash < 0 ? { mount: trimmed, path: '' } : { mount: trimmed.slice(0, slash), path: trimmed.slice(slash + 1) };
  }
  if (result.mount === '') throw usageError(`no mount in \`${arg}\`: use mount/path or -mount`);
  if (!allowEmpty && result.path.replace(/\/+$/, '') === '') throw usageError(`no secret path in \`${arg}\``);
  return result;
}

export function kvTarget(ctx: CommandContext, arg: string, flags: KvFlags, allowEmpty = false): KvTarget {
  const { mount, path } = splitKvPath(arg, flags.mount, allowEmpty);
  const kv = ctx.client.kv(mount);
  return { kv, path, apiPath: (kind) => kv.apiPath(kind, path) };
}

/** Adds the client flags and `-mount`. */
export function kvLeaf(parent: Command, name: string): Command {
  return withClientFlags(parent.command(name)).option('--mount <mount>', 'the KV v2 mount; the path is then relative to it');
}
