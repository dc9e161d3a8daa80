/**
 * One SOPS value: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, AES-256-GCM under the file's data
 * key with a 32-byte IV and the value's key path (`a:b:c:`) as additional data. See
 * getsops/sops `aes/cipher.go` and ../../../../shared/fixtures/sops/README.md.
 */
import { createDecipheriv } from 'node:crypto';
import { goBoolText, goFormatFloat, goParseBool, goParseFloat, goParseInt } from './go-text.js';
import type { ScalarNode } from './tree-node.js';

const B64 = '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?';
// Trailing whitespace is tolerated (SOPS' own pattern is unanchored at the end; dotenv lines may keep a `\r`).
const ENC_RE = new RegExp(`^ENC\\[AES256_GCM,data:(${B64}),iv:(${B64}),tag:(${B64}),type:([a-z]+)\\]\\s*$`);
const TAG_BYTES = 16;

/** Why a value could not be opened; the caller turns it into a typed error with the key path. */
export class ValueCipherError extends Error {
  constructor(readonly reason: 'malformed' | 'unauthentic' | 'bad_plaintext' | 'unknown_type') {
    super(reason);
  }
}

/** A decrypted value: the typed leaf, and the bytes SOPS feeds to the MAC for it (`ToBytes`). */
export interface OpenedValue {
  readonly node: ScalarNode;
  readonly macBytes: Uint8Array;
}

/** Decrypts one value. `aad` is the key path joined by `:` with a trailing `:`. */
export function openValue(enc: string, dataKey: Uint8Array, aad: string): OpenedValue {
  const m = ENC_RE.exec(enc);
  if (m === null) throw new ValueCipherError('malformed');
  const [, data = '', ivText = '', tagText = '', type = ''] = m;
  const ciphertext = canonicalBase64(data);
  const iv = canonicalBase64(ivText);
  const tag = canonicalBase64(tagText);
  // INVARIANT: a full 16-byte tag; Node would otherwise accept a truncated one.
  if (ciphertext.length === 0 || iv.length === 0 || tag.length !== TAG_BYTES) throw new ValueCipherError('malformed');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new ValueCipherError('unauthentic');
  }
  return typed(plain, type);
}

/**
 * Decodes base64 that SOPS' encoder could have written. Stricter than SOPS (Go's decoder, like
 * Node's, ignores non-zero padding bits): `JA==` and `JB==` decode alike, so accepting both would
 * let a one-character edit of a value go unnoticed.
 */
function canonicalBase64(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new ValueCipherError('malformed');
  return bytes;
}

function typed(plain: Buffer, type: string): OpenedValue {
  switch (type) {
    case 'str':
    case 'bytes':
    case 'time': // kept as its RFC 3339 text; SOPS re-marshals it, identical for what SOPS wrote
    case 'comment':
      return { node: { kind: 'string', value: utf8(plain) }, macBytes: plain };
    case 'int': {
      const n = goParseInt(utf8(plain));
      if (n === undefined) throw new ValueCipherError('bad_plaintext');
      return { node: { kind: 'int', value: n }, macBytes: Buffer.from(n.toString(), 'utf8') };
    }
    case 'float': {
      const n = goParseFloat(utf8(plain));
      if (n === undefined) throw new ValueCipherError('bad_plaintext');
      return { node: { kind: 'float', value: n }, macBytes: Buffer.from(goFormatFloat(n), 'utf8') };
    }
    case 'bool': {
      const b = goParseBool(utf8(plain));
      if (b === undefined) throw new ValueCipherError('bad_plaintext');
      return { node: { kind: 'bool', value: b }, macBytes: Buffer.from(goBoolText(b), 'utf8') };
    }
    default:
      throw new ValueCipherError('unknown_type');
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ValueCipherError('bad_plaintext');
  }
}

/** `ToBytes` for a clear-text leaf; `undefined` for null, which SOPS never walks. */
export function clearMacBytes(node: ScalarNode): Uint8Array | undefined {
  switch (node.kind) {
    case 'string':
      return Buffer.from(node.value, 'utf8');
    case 'int':
      return Buffer.from(node.value.toString(), 'utf8');
    case 'float':
      return Buffer.from(goFormatFloat(node.value), 'utf8');
    case 'bool':
      return Buffer.from(goBoolText(node.value), 'utf8');
    case 'null':
      return undefined;
  }
}
