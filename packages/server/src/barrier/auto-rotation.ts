import { invalidRequest, VaultError } from '../errors.js';
import { formatDuration } from '../framework/duration.js';
import type { StorageBackend } from '../storage/storage-backend.js';
import { decodeJson, encodeJson } from '../storage/storage-view.js';
import { decryptValue } from './envelope.js';
import type { Keyring } from './keyring.js';

/**
 * Automatic rotation of the barrier key (`sys/rotate/config`,
 * https://developer.hashicorp.com/vault/api-docs/system/rotate-config): a new term is added once
 * the active one has encrypted `maxOperations` values, or is `interval` seconds old.
 */
export interface KeyRotationConfig {
  readonly maxOperations: number;
  /** Seconds; 0 = no time-based rotation. */
  readonly interval: number;
  /** When false nothing rotates automatically; encryptions are still counted. */
  readonly enabled: boolean;
}

/**
 * 2^32 random 96-bit nonces per key is NIST SP 800-38D §8.3's bound; Vault stops 10 % short of
 * it and refuses limits that would rotate more than every million writes.
 */
export const MAX_OPERATIONS = 3_865_470_566;
export const MIN_OPERATIONS = 1_000_000;
export const MIN_INTERVAL = 24 * 3600;

export const DEFAULT_ROTATION: KeyRotationConfig = { maxOperations: MAX_OPERATIONS, interval: 0, enabled: true };

/**
 * Where the config and the active term's encryption count are kept, through the barrier. The
 * count is written by the periodic check (see `AesGcmBarrier.checkAutoRotate`), so a restart
 * loses at most one period of counting, as Vault's best-effort count persistence does.
 */
export const ROTATION_PATH = 'core/keyring-rotation';

/** Checks a config written through `sys/rotate/config`, with Vault's rules and messages. */
export function checkRotationConfig(config: KeyRotationConfig): KeyRotationConfig {
  if (config.interval !== 0 && config.interval < MIN_INTERVAL) {
    throw invalidRequest(`interval must be greater or equal to ${formatDuration(MIN_INTERVAL)}`);
  }
  if (config.maxOperations < MIN_OPERATIONS || config.maxOperations > MAX_OPERATIONS) {
    throw invalidRequest(`max_operations must be in the range [${MIN_OPERATIONS},${MAX_OPERATIONS}]`);
  }
  return config;
}

interface StoredRotation {
  max_operations: number;
  interval: number;
  enabled: boolean;
  /** The term `encryptions` counts for; a later term starts from 0. */
  term: number;
  encryptions: number;
}

export function encodeRotation(config: KeyRotationConfig, term: number, encryptions: number): Uint8Array {
  const stored: StoredRotation = {
    max_operations: config.maxOperations,
    interval: config.interval,
    enabled: config.enabled,
    term,
    encryptions,
  };
  return encodeJson(stored);
}

/** The config, and how many values the active term has encrypted according to storage. */
export interface StoredRotationState {
  config: KeyRotationConfig;
  encryptions: number;
}

/** Reads the stored state with `keyring`, which the barrier has not installed yet. */
export async function readRotation(backend: StorageBackend, keyring: Keyring): Promise<StoredRotationState> {
  const stored = await backend.get(ROTATION_PATH);
  if (stored === undefined) return { config: DEFAULT_ROTATION, encryptions: 0 };
  const plain = decryptValue((term) => keyring.key(term), ROTATION_PATH, stored);
  try {
    return decodeRotation(plain, keyring.activeTerm);
  } finally {
    plain.fill(0);
  }
}

/**
 * Reads what {@link encodeRotation} wrote. The record is authenticated by the barrier, so its
 * limits are trusted as stored (tests store a `max_operations` below the API's minimum); only
 * its shape is checked.
 */
function decodeRotation(bytes: Uint8Array, activeTerm: number): StoredRotationState {
  const s = decodeJson<Partial<StoredRotation>>(bytes);
  const count = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
  if (!count(s.max_operations, 1) || !count(s.interval, 0) || typeof s.enabled !== 'boolean' || !count(s.term, 0) || !count(s.encryptions, 0)) {
    throw new VaultError('internal', 'the stored key rotation config is corrupt');
  }
  return {
    config: { maxOperations: s.max_operations!, interval: s.interval!, enabled: s.enabled },
    encryptions: s.term === activeTerm ? s.encryptions! : 0,
  };
}

/** Why the active term should be replaced now, or undefined (Vault's reasons, for the log). */
export function rotationDue(config: KeyRotationConfig, encryptions: number, installTime: Date, now: Date): string | undefined {
  if (!config.enabled) return undefined;
  if (encryptions > config.maxOperations) return 'reached max operations';
  if (config.interval > 0 && now.getTime() - installTime.getTime() > config.interval * 1000) return 'rotation interval reached';
  return undefined;
}
