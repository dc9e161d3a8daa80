import { isIP } from 'node:net';
import type { Action } from '../framework/engine.js';

/** Every Cedar action a path declaration may name (ARCHITECTURE.md, "Cedar model"). */
export const ACTIONS: readonly Action[] = [
  'read', 'create', 'update', 'patch', 'delete', 'list', 'generate', 'renew', 'revoke', 'rotate', 'sign', 'encrypt',
  'decrypt', 'configure', 'sudo',
];

/** Principal entity types a token can carry. */
export const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['User', 'Service', 'Token']);

/**
 * The Cedar schema every policy is validated against when written.
 *
 * Context design — every attribute is always present and of one type, so a schema-valid policy
 * cannot fail on a missing attribute or a type error at evaluation:
 * - `ttl: duration` — the TTL the request asks for; when it asks for none, the lifetime the mount
 *   would grant by default (`default_lease_ttl`, else the system's 768h). So
 *   `context.ttl <= duration("1h")` refuses a longer-lived credential *and* a request that does not
 *   say (on a mount whose default is longer) — fail closed. `has_ttl` tells the two apart.
 * - `remote_address: ipaddr` — the client address (`0.0.0.0` when unknown or unparseable).
 * - `time: datetime` — the evaluation time (UTC, millisecond precision).
 * - `mfa: Bool` — false until MFA exists.
 * - `metadata: Set<String>` — the token's metadata as `"key=value"` strings, tag-like:
 *   `context.metadata.contains("team=platform")` never errors on an absent key.
 * Entities carry no attributes: principals' parents are their groups and roles, a secret's parents
 * are its path prefixes.
 */
export const CEDAR_SCHEMA = `
entity Group;
entity Role;
entity User in [Group, Role];
entity Service in [Group, Role];
entity Token in [Group, Role];
entity Secret in [Secret];
type RequestContext = {
  ttl: __cedar::duration,
  has_ttl: Bool,
  remote_address: __cedar::ipaddr,
  time: __cedar::datetime,
  mfa: Bool,
  metadata: Set<String>,
};
action ${ACTIONS.map((a) => `"${a}"`).join(', ')} appliesTo {
  principal: [User, Service, Token],
  resource: [Secret],
  context: RequestContext,
};
`;

/** The context attributes, as policies name them. */
export type ContextField = 'ttl' | 'has_ttl' | 'remote_address' | 'time' | 'mfa' | 'metadata';
export const CONTEXT_FIELDS: readonly ContextField[] = ['ttl', 'has_ttl', 'remote_address', 'time', 'mfa', 'metadata'];

/** The values behind a request's context, before they are encoded for Cedar. */
export interface ContextValues {
  /** Seconds, never negative. */
  readonly ttl: number;
  readonly hasTtl: boolean;
  readonly remoteAddress: string;
  /** Unix ms. */
  readonly time: number;
  readonly mfa: boolean;
  readonly metadata: readonly string[];
}

/** Cedar's `ipaddr` takes plain IPv4/IPv6; an IPv4-mapped IPv6 address is read as its IPv4 address. */
export function cedarIp(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  return isIP(ip) === 0 || ip.includes('%') ? '0.0.0.0' : ip;
}

/** Token metadata as tag-like strings, sorted so equal metadata gives an equal cache key. */
export function metadataTags(metadata: Readonly<Record<string, string>>): string[] {
  const tags: string[] = [];
  for (const key of Object.keys(metadata)) tags.push(`${key}=${metadata[key]}`);
  return tags.sort();
}

/** Encodes the fields `used` for Cedar (only those: each costs marshalling time). */
export function encodeContext(values: ContextValues, used: ReadonlySet<ContextField>): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (const field of used) {
    switch (field) {
      case 'ttl':
        ctx['ttl'] = { __extn: { fn: 'duration', arg: `${Math.max(0, Math.floor(values.ttl))}s` } };
        break;
      case 'has_ttl':
        ctx['has_ttl'] = values.hasTtl;
        break;
      case 'remote_address':
        ctx['remote_address'] = { __extn: { fn: 'ip', arg: cedarIp(values.remoteAddress) } };
        break;
      case 'time':
        ctx['time'] = { __extn: { fn: 'datetime', arg: new Date(values.time).toISOString() } };
        break;
      case 'mfa':
        ctx['mfa'] = values.mfa;
        break;
      case 'metadata':
        ctx['metadata'] = [...values.metadata];
        break;
    }
  }
  return ctx;
}

/** The part of a decision cache key that the `used` context fields contribute; undefined = do not cache. */
export function contextKey(values: ContextValues, used: ReadonlySet<ContextField>): string | undefined {
  if (used.has('time')) return undefined; // changes every millisecond
  let key = '';
  for (const field of CONTEXT_FIELDS) {
    if (!used.has(field)) continue;
    switch (field) {
      case 'ttl':
        key += `|t${Math.max(0, Math.floor(values.ttl))}`;
        break;
      case 'has_ttl':
        key += `|h${values.hasTtl ? 1 : 0}`;
        break;
      case 'remote_address':
        key += `|a${cedarIp(values.remoteAddress)}`;
        break;
      case 'mfa':
        key += `|m${values.mfa ? 1 : 0}`;
        break;
      case 'metadata':
        key += `|d${JSON.stringify(values.metadata)}`;
        break;
    }
  }
  return key;
}
