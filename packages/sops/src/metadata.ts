/**
 * The `sops` metadata a reader needs: the age stanzas, the MAC and its `lastmodified` AAD, and the
 * rule that decides which values are encrypted. Mirrors getsops/sops `stores/stores.go`
 * (`metadata.ToInternal`) and `stores/flatten.go` (the flattened form INI and dotenv use).
 */
import { SopsFormatError } from './errors.js';
import { goParseBool, goRfc3339 } from './go-text.js';
import type { MapNode, TreeNode } from './tree-node.js';

/** Which leaves are encrypted; exactly one rule applies (SOPS' default is `_unencrypted`). */
export type EncryptionRule =
  | { readonly kind: 'unencrypted_suffix'; readonly suffix: string }
  | { readonly kind: 'encrypted_suffix'; readonly suffix: string }
  | { readonly kind: 'unencrypted_regex'; readonly regex: RegExp }
  | { readonly kind: 'encrypted_regex'; readonly regex: RegExp };

export interface SopsMetadata {
  /** Armored age files, each holding the data key for one recipient. */
  readonly ageStanzas: readonly string[];
  /** `lastmodified` re-formatted as Go's RFC 3339: the MAC's AAD. */
  readonly macAad: string;
  /** The encrypted MAC, or `undefined` when the file has none. */
  readonly mac: string | undefined;
  readonly rule: EncryptionRule;
  readonly macOnlyEncrypted: boolean;
}

const RULE_KEYS = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const;
const UNSUPPORTED_RULES = ['unencrypted_comment_regex', 'encrypted_comment_regex'] as const;

export function readMetadata(meta: MapNode): SopsMetadata {
  const get = (key: string): TreeNode | undefined => meta.entries.find(([k]) => k === key)?.[1];
  const text = (key: string): string | undefined => {
    const node = get(key);
    if (node === undefined || node.kind === 'null') return undefined;
    if (node.kind !== 'string') throw new SopsFormatError(`sops metadata \`${key}\` is not a string`);
    return node.value === '' ? undefined : node.value;
  };

  for (const key of UNSUPPORTED_RULES) {
    if (text(key) !== undefined) throw new SopsFormatError(`sops metadata \`${key}\` is not supported`);
  }
  const rules = RULE_KEYS.filter((key) => text(key) !== undefined);
  if (rules.length > 1) throw new SopsFormatError('sops metadata names more than one encryption rule');
  const rule = toRule(rules[0], rules[0] === undefined ? undefined : text(rules[0]));

  const lastModified = text('lastmodified');
  const macAad = lastModified === undefined ? undefined : goRfc3339(lastModified);
  if (macAad === undefined) throw new SopsFormatError('sops metadata `lastmodified` is missing or not an rfc 3339 time');

  return {
    ageStanzas: ageStanzas(get('age'), get('key_groups')),
    macAad,
    mac: text('mac'),
    rule,
    macOnlyEncrypted: flag(get('mac_only_encrypted')),
  };
}

function toRule(key: (typeof RULE_KEYS)[number] | undefined, value: string | undefined): EncryptionRule {
  if (key === undefined || value === undefined) return { kind: 'unencrypted_suffix', suffix: '_unencrypted' };
  if (key === 'unencrypted_suffix' || key === 'encrypted_suffix') return { kind: key, suffix: value };
  return { kind: key, regex: goRegex(value, key) };
}

/** Go RE2 → JavaScript: a leading `(?flags)` group becomes RegExp flags; the rest is shared syntax. */
function goRegex(source: string, key: string): RegExp {
  const m = /^\(\?([imsU]+)\)/.exec(source);
  const flags = (m?.[1] ?? '').replace(/[^ims]/g, '');
  const body = m === null ? source : source.slice(m[0].length);
  for (const extra of ['u', '']) {
    try {
      return new RegExp(body, flags + extra);
    } catch {
      // try without the unicode flag
    }
  }
  throw new SopsFormatError(`sops metadata \`${key}\` is not a usable regular expression`);
}

function flag(node: TreeNode | undefined): boolean {
  if (node === undefined || node.kind === 'null') return false;
  if (node.kind === 'bool') return node.value;
  if (node.kind === 'string' && goParseBool(node.value) !== undefined) return goParseBool(node.value) === true;
  throw new SopsFormatError('sops metadata `mac_only_encrypted` is not a boolean');
}

function ageStanzas(age: TreeNode | undefined, groups: TreeNode | undefined): string[] {
  if (groups !== undefined && groups.kind === 'list' && groups.items.length > 0) {
    // Several key groups split the data key with Shamir's scheme; one group is the plain case.
    if (groups.items.length > 1) {
      throw new SopsFormatError('sops files with several key groups (shamir) are not supported');
    }
    const group = groups.items[0];
    return group?.kind === 'map' ? stanzaList(group.entries.find(([k]) => k === 'age')?.[1]) : [];
  }
  return stanzaList(age);
}

function stanzaList(age: TreeNode | undefined): string[] {
  if (age === undefined || age.kind === 'null') return [];
  if (age.kind !== 'list') throw new SopsFormatError('sops metadata `age` is not a list');
  return age.items.map((item) => {
    const enc = item.kind === 'map' ? item.entries.find(([k]) => k === 'enc')?.[1] : undefined;
    if (enc?.kind !== 'string') throw new SopsFormatError('sops metadata `age` entry has no `enc` text');
    return enc.value;
  });
}

/**
 * Rebuilds the `sops` mapping from INI's and dotenv's flattened keys (`age__list_0__map_enc`):
 * `__map_K` descends into key K, `__list_N` into index N. Values stay strings, as in SOPS.
 */
export function unflattenMetadata(flat: ReadonlyArray<readonly [string, string]>): MapNode {
  type Slot = { value?: string; keys?: Map<string, Slot>; items?: Map<number, Slot> };
  const root: Slot = {};
  for (const [flatKey, value] of flat) {
    const parts = flatKey.split(/(__map_|__list_)/);
    let slot = root;
    for (let i = 0; i < parts.length; i += 2) {
      const name = parts[i] ?? '';
      const marker = i === 0 ? '__map_' : parts[i - 1];
      if (marker === '__list_') {
        if (!/^\d+$/.test(name)) throw new SopsFormatError(`sops metadata key \`${flatKey}\` has a bad list index`);
        slot.items ??= new Map();
        const next = slot.items.get(Number(name)) ?? {};
        slot.items.set(Number(name), next);
        slot = next;
      } else {
        slot.keys ??= new Map();
        const next = slot.keys.get(name) ?? {};
        slot.keys.set(name, next);
        slot = next;
      }
    }
    if (slot.value !== undefined || slot.keys || slot.items) {
      throw new SopsFormatError(`sops metadata key \`${flatKey}\` is duplicated or conflicts`);
    }
    slot.value = value;
  }
  const build = (slot: Slot, name: string): TreeNode => {
    if ([slot.value !== undefined, slot.keys !== undefined, slot.items !== undefined].filter(Boolean).length > 1) {
      throw new SopsFormatError(`sops metadata key \`${name}\` conflicts`);
    }
    if (slot.value !== undefined) return { kind: 'string', value: slot.value };
    if (slot.items !== undefined) {
      const items = [...slot.items.keys()].sort((a, b) => a - b);
      if (items.some((index, i) => index !== i)) throw new SopsFormatError(`sops metadata list \`${name}\` is incomplete`);
      return { kind: 'list', items: items.map((index) => build(slot.items?.get(index) ?? {}, name)) };
    }
    return { kind: 'map', entries: [...(slot.keys ?? new Map<string, Slot>())].map(([k, v]) => [k, build(v, k)] as const) };
  };
  const tree = build(root, 'sops');
  return tree.kind === 'map' ? tree : { kind: 'map', entries: [] };
}
