/**
 * The ordered tree every format parser produces and the decryptor walks.
 *
 * SOPS computes its MAC over the leaves in document order, and JavaScript objects do not keep
 * the order of integer-like keys, so parsing and decryption work on this explicit form; only the
 * final result is converted to plain objects ({@link SopsTree}).
 */
import { SopsFormatError } from './errors.js';

/** A leaf. `int` keeps full 64-bit precision; `string` also holds `ENC[…]` ciphertexts. */
export type ScalarNode =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' };

export interface MapNode {
  readonly kind: 'map';
  /** In document order. Duplicate keys are possible (INI sections, dotenv) and refused on output. */
  readonly entries: ReadonlyArray<readonly [string, TreeNode]>;
}

export interface ListNode {
  readonly kind: 'list';
  readonly items: readonly TreeNode[];
}

export type TreeNode = ScalarNode | MapNode | ListNode;

/** What a format parser hands to the decryptor: the data branch and the raw `sops` metadata. */
export interface ParsedSopsFile {
  readonly branch: MapNode;
  /** The `sops` mapping, already unflattened for INI and dotenv; `undefined` when absent. */
  readonly metadata: MapNode | undefined;
}

/** A decrypted scalar. `bigint` only for integers outside Number's safe range. */
export type SopsScalar = string | number | bigint | boolean | null;
export type SopsValue = SopsScalar | SopsValue[] | SopsTree;
/** A decrypted SOPS document: keys in document order (except integer-like keys, see README). */
export interface SopsTree {
  [key: string]: SopsValue;
}

export const str = (value: string): ScalarNode => ({ kind: 'string', value });

/** Converts the decrypted ordered tree to plain objects; refuses duplicate keys. */
export function toPublicTree(node: MapNode, path: readonly string[] = []): SopsTree {
  const out: SopsTree = {};
  for (const [key, child] of node.entries) {
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw new SopsFormatError(`duplicate key \`${[...path, key].join(':')}\``);
    }
    // defineProperty, not assignment: a `__proto__` key must stay a plain own property.
    Object.defineProperty(out, key, {
      value: toPublicValue(child, [...path, key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function toPublicValue(node: TreeNode, path: readonly string[]): SopsValue {
  switch (node.kind) {
    case 'map':
      return toPublicTree(node, path);
    case 'list':
      return node.items.map((item) => toPublicValue(item, path));
    case 'string':
    case 'float':
    case 'bool':
      return node.value;
    case 'int':
      return node.value >= BigInt(Number.MIN_SAFE_INTEGER) && node.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(node.value)
        : node.value;
    case 'null':
      return null;
  }
}
