/**
 * Flattens a decrypted SOPS tree to one secret per leaf, as `secrets migrate --from-sops FILE
 * --prefix P` writes them (docs: ARCHITECTURE.md, "The platform's secrets model").
 */
import { SopsFormatError } from './errors.js';
import { goFormatFloat } from './go-text.js';
import type { SopsTree, SopsValue } from './tree-node.js';

export interface FlatSecret {
  /** Vault path below the mount: `P/a/b/c`, list items as index segments (`P/list/0`). */
  path: string;
  /** The value as text. */
  value: string;
}

/**
 * `a: {b: {c: x}}` ⇒ `P/a/b/c` = `x`; a list's items ⇒ `P/list/0`, `P/list/1`, …; in document order.
 *
 * Text forms: strings as they are (empty strings too); numbers as Go's shortest plain decimal,
 * the same bytes SOPS encrypts and hashes (`25.4`, `1234568000`, never an exponent; `+Inf`,
 * `-Inf`, `NaN`); booleans `true` / `false` (JSON/YAML spelling, not SOPS' internal `True`).
 * Nulls, empty maps and empty lists produce no secret. `_unencrypted` keys are included.
 *
 * Keys become path segments with {@link pathSegment}. Two leaves that land on one path (`a/b`
 * and `a_b` side by side) are refused rather than one silently overwriting the other.
 *
 * @param prefix vault path prefix, e.g. `apps/billing`; leading, trailing and doubled `/` are ignored.
 * @throws {SopsFormatError} two keys map to the same path.
 */
export function flattenSecrets(tree: SopsTree, prefix = ''): FlatSecret[] {
  const out: FlatSecret[] = [];
  const origin = new Map<string, string>();
  const base = prefix.split('/').filter((s) => s !== '');

  const visit = (value: SopsValue, segments: readonly string[], keys: readonly string[]): void => {
    if (value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...segments, String(i)], [...keys, String(i)]));
      return;
    }
    if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, [...segments, pathSegment(key)], [...keys, key]);
      return;
    }
    const path = segments.join('/');
    const keyPath = keys.join('.');
    const previous = origin.get(path);
    if (previous !== undefined) {
      throw new SopsFormatError(`keys \`${previous}\` and \`${keyPath}\` both map to vault path \`${path}\``);
    }
    origin.set(path, keyPath);
    out.push({ path, value: leafText(value) });
  };

  for (const [key, child] of Object.entries(tree)) visit(child, [...base, pathSegment(key)], [key]);
  return out;
}

function leafText(value: string | number | bigint | boolean): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return goFormatFloat(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
  }
}

/**
 * A SOPS key as one vault path segment that the server's path normalisation accepts: `/`, control
 * characters, U+2028/U+2029 and unpaired surrogates become `_`; the segments ``, `.` and `..`
 * become `_`, `_`, `__`. Spaces and every other character are kept (the SDK URL-encodes them).
 */
export function pathSegment(key: string): string {
  const safe = key.replace(/[/\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '_');
  if (safe === '' || safe === '.') return '_';
  if (safe === '..') return '__';
  return safe;
}
