/**
 * Decrypts a SOPS tree and verifies its MAC, as getsops/sops `Tree.Decrypt` and
 * `common.DecryptTree` do: walk the leaves in document order (lists add no path element),
 * decrypt those the encryption rule marks as encrypted with AAD `k1:k2:…:`, and hash `ToBytes`
 * of every leaf with SHA-512 (only the encrypted ones under `mac_only_encrypted`, after a fixed
 * prefix). The upper-case hex digest must equal `sops.mac`, itself decrypted with AAD
 * `lastmodified`. Comments are never part of the tree here, so they add nothing, as in SOPS.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SopsFormatError, SopsMacMismatchError } from './errors.js';
import type { EncryptionRule, SopsMetadata } from './metadata.js';
import type { ListNode, MapNode, TreeNode } from './tree-node.js';
import { clearMacBytes, openValue, ValueCipherError } from './value-cipher.js';

// getsops/sops `MACOnlyEncryptedInitialization`.
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);
// Guards the walk against alias bombs and absurd inputs.
const MAX_NODES = 1_000_000;

/** Decrypts every value and verifies the MAC; returns the plaintext tree only if it verifies. */
export function decryptTree(branch: MapNode, meta: SopsMetadata, dataKey: Uint8Array): MapNode {
  const hash = createHash('sha512');
  if (meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  let visited = 0;

  const walk = (node: TreeNode, path: readonly string[]): TreeNode => {
    if (++visited > MAX_NODES) throw new SopsFormatError('the sops document is too large');
    if (node.kind === 'map') return walkMap(node, path);
    if (node.kind === 'list') return { kind: 'list', items: node.items.map((item) => walk(item, path)) } satisfies ListNode;
    if (node.kind === 'null') return node; // SOPS neither decrypts nor hashes null
    const encrypted = isEncrypted(meta.rule, path);
    if (!encrypted) {
      const bytes = clearMacBytes(node);
      if (bytes !== undefined && !meta.macOnlyEncrypted) hash.update(bytes);
      return node;
    }
    const where = `\`${path.join(':')}\``;
    if (node.kind !== 'string') throw new SopsMacMismatchError(`value at ${where} should be encrypted but is not`);
    if (node.value === '') return node; // SOPS never encrypts empty strings
    try {
      const opened = openValue(node.value, dataKey, path.join(':') + ':');
      hash.update(opened.macBytes);
      return opened.node;
    } catch (err) {
      if (!(err instanceof ValueCipherError)) throw err;
      // Every failure of a value that must be encrypted means the file is not what SOPS wrote.
      const why = err.reason === 'unknown_type' ? 'has an unknown sops type' : 'does not authenticate';
      throw new SopsMacMismatchError(`value at ${where} ${why}; the file was altered`);
    }
  };
  const walkMap = (node: MapNode, path: readonly string[]): MapNode => ({
    kind: 'map',
    entries: node.entries.map(([key, child]) => [key, walk(child, [...path, key])] as const),
  });

  const tree = walkMap(branch, []);
  verifyMac(hash.digest('hex').toUpperCase(), meta, dataKey);
  return tree;
}

function verifyMac(computed: string, meta: SopsMetadata, dataKey: Uint8Array): void {
  if (meta.mac === undefined) throw new SopsMacMismatchError('the sops file has no mac; refusing it');
  let stored: string;
  try {
    const opened = openValue(meta.mac, dataKey, meta.macAad);
    if (opened.node.kind !== 'string') throw new ValueCipherError('bad_plaintext');
    stored = opened.node.value;
  } catch (err) {
    if (!(err instanceof ValueCipherError)) throw err;
    throw new SopsMacMismatchError('the sops mac does not decrypt; the file was altered');
  }
  const a = Buffer.from(stored, 'utf8');
  const b = Buffer.from(computed, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SopsMacMismatchError('sops mac mismatch; the file was altered');
  }
}

/** getsops/sops `Tree.shouldBeEncrypted` for the four key-based rules. */
export function isEncrypted(rule: EncryptionRule, path: readonly string[]): boolean {
  switch (rule.kind) {
    case 'unencrypted_suffix':
      return !path.some((key) => key.endsWith(rule.suffix));
    case 'encrypted_suffix':
      return path.some((key) => key.endsWith(rule.suffix));
    case 'unencrypted_regex':
      return !path.some((key) => test(rule.regex, key));
    case 'encrypted_regex':
      return path.some((key) => test(rule.regex, key));
  }
}

function test(regex: RegExp, key: string): boolean {
  regex.lastIndex = 0;
  return regex.test(key);
}
