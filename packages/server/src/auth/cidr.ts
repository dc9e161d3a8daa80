import { BlockList, isIP } from 'node:net';
import { invalidRequest } from '../errors.js';

/**
 * CIDR blocks for the `*_bound_cidrs` settings of auth methods
 * (https://developer.hashicorp.com/vault/docs/auth/approle#secret_id_bound_cidrs). A bare
 * address is a block of one (`/32`, `/128`). IPv4-mapped IPv6 client addresses (`::ffff:a.b.c.d`,
 * as Node reports IPv4 clients on a dual-stack socket) are compared as IPv4.
 */
interface Cidr {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefix: number;
}

function parse(block: string): Cidr | undefined {
  const [address = '', prefixText, extra] = block.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { family, address, prefix } : undefined;
}

/** Trimmed blocks, or a 400 naming the first one that is not a CIDR block or address. */
export function validateCidrs(field: string, blocks: readonly string[]): string[] {
  const out = blocks.map((b) => b.trim()).filter((b) => b !== '');
  for (const b of out) if (!parse(b)) throw invalidRequest(`field \`${field}\` has an invalid cidr block \`${b}\``);
  return out;
}

const unmapped = (address: string) => {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
};

function blockList(blocks: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const b of blocks) list.addSubnet(b.address, b.prefix, b.family);
  return list;
}

/** True when `blocks` is empty (no restriction) or `address` is inside one of them. */
export function addressAllowed(blocks: readonly string[], address: string): boolean {
  if (blocks.length === 0) return true;
  const parsed = blocks.map(parse).filter((b): b is Cidr => b !== undefined);
  const ip = unmapped(address);
  const version = isIP(ip);
  if (version === 0) return false;
  return blockList(parsed).check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** True when every block of `inner` lies inside some block of `outer`. */
export function cidrsWithin(inner: readonly string[], outer: readonly string[]): boolean {
  const outers = outer.map(parse).filter((b): b is Cidr => b !== undefined);
  return inner.every((text) => {
    const b = parse(text);
    if (!b) return false;
    return outers.some((o) => o.family === b.family && o.prefix <= b.prefix && blockList([o]).check(b.address, b.family));
  });
}
