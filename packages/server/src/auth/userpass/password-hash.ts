import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt, a memory-hard KDF (RFC 7914), through Node's libuv thread pool
 * so a login never blocks the event loop. Each hash keeps its own salt and parameters, so the
 * cost can be raised later without breaking existing users.
 */
export interface PasswordHash {
  readonly alg: 'scrypt';
  /** CPU/memory cost N (a power of two), block size r, parallelism p. */
  readonly n: number;
  readonly r: number;
  readonly p: number;
  /** Base64. */
  readonly salt: string;
  /** Base64. */
  readonly hash: string;
}

/** N = 2^15, r = 8: 32 MiB and tens of milliseconds per attempt (OWASP's scrypt minimum is 2^17 at r = 8, p = 1 for ~128 MiB; see the report). */
export const DEFAULT_PARAMS = { n: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Stored parameters outside this range are refused rather than run (a corrupt or hostile entry must not cost minutes or gigabytes). */
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 17;

function derive(password: string, salt: Buffer, params: { n: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.n,
    r: params.r,
    p: params.p,
    // scrypt needs about 128·N·r·p bytes; Node's default ceiling (32 MiB) is exactly N = 2^15 at
    // r = 8, which it refuses, so allow twice the need.
    maxmem: 256 * params.n * params.r * params.p,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: { n: number; r: number; p: number } = DEFAULT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, params);
  return { alg: 'scrypt', ...params, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Recomputes the hash with the stored salt and parameters and compares in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.alg !== 'scrypt' || stored.n < MIN_N || stored.n > MAX_N || stored.r < 1 || stored.r > 32 || stored.p !== 1) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

let dummy: Promise<PasswordHash> | undefined;

/**
 * A hash of a random password with the default parameters. An unknown user's login is checked
 * against it, so it costs what a wrong password costs and the two cannot be told apart by time.
 */
export function dummyHash(): Promise<PasswordHash> {
  dummy ??= hashPassword(randomBytes(32).toString('base64'));
  return dummy;
}
