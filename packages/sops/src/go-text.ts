/**
 * The Go text conversions SOPS applies to values, reproduced exactly because the MAC is computed
 * over their output (getsops/sops `ToBytes`, `aes.Cipher.Decrypt`): `strconv.FormatFloat(f, 'f',
 * -1, 64)`, `strconv.ParseFloat`, `strconv.Atoi`, `strconv.ParseBool`, and the RFC 3339 form of
 * `lastmodified` that is the MAC's additional data.
 */

/** `strconv.FormatFloat(n, 'f', -1, 64)`: the shortest round-trip digits, never an exponent. */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Object.is(n, -0)) return '-0';
  // String(n) is also the shortest round-trip form; only its exponent notation differs from Go's.
  const text = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const [, sign = '', lead = '', frac = '', expText = '0'] = m;
  const digits = lead + frac;
  const exp = Number(expText);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const point = exp + 1;
  return digits.length <= point
    ? sign + digits + '0'.repeat(point - digits.length)
    : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `strconv.ParseFloat(s, 64)` for decimal text and inf/nan; `undefined` where Go errors (or for hex floats). */
export function goParseFloat(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined; // Go reports ErrRange for overflow
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `strconv.Atoi` on a 64-bit platform; `undefined` where Go errors. */
export function goParseInt(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text.startsWith('+') ? text.slice(1) : text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** `strconv.ParseBool`; `undefined` where Go errors. */
export function goParseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** `ToBytes` for a boolean: SOPS hashes and encrypts `True` / `False`. */
export const goBoolText = (b: boolean): string => (b ? 'True' : 'False');

/**
 * `time.Parse(time.RFC3339, s).Format(time.RFC3339)`: fractional seconds are dropped and a zero
 * offset becomes `Z`. SOPS uses this re-formatted text, not the stored one, as the MAC's AAD.
 */
export function goRfc3339(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return undefined;
  const zone = m[3] === 'Z' || m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3];
  return `${m[1]}T${m[2]}${zone}`;
}
