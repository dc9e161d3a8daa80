/**
 * Storage keys written *beside* the barrier rather than through it. They hold what is needed
 * to unseal, so they cannot depend on the barrier's keys:
 *
 * - `core/keyring`: the barrier's keys, encrypted under the root key;
 * - `core/root-key`: the root key, encrypted under the unseal key (seal/);
 * - `core/seal-config`: share count and threshold, plaintext, read by `sys/seal-status`
 *   while sealed.
 *
 * The barrier refuses client writes to them and its re-encryption skips them.
 */
export const KEYRING_PATH = 'core/keyring';
export const ROOT_KEY_PATH = 'core/root-key';
export const SEAL_CONFIG_PATH = 'core/seal-config';

const RESERVED: ReadonlySet<string> = new Set([KEYRING_PATH, ROOT_KEY_PATH, SEAL_CONFIG_PATH]);

/**
 * Nothing is ever stored under this prefix: it names the additional data of values the barrier
 * encrypts for callers but never stores (batch tokens), so that no stored value can pass for one
 * of them, nor one of them for a stored value.
 */
export const DETACHED_PREFIX = 'core/detached/';

/** Whether `key` is one of the seal's own, raw-written keys, or under {@link DETACHED_PREFIX}. */
export const isReservedPath = (key: string): boolean => RESERVED.has(key) || key.startsWith(DETACHED_PREFIX);
