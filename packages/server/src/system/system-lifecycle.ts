import type { KeyRotationConfig } from '../barrier/auto-rotation.js';
import type { SealStatus } from '../lifecycle/seal-manager.js';

/**
 * What the `sys/` lifecycle endpoints need from the seal state machine and the barrier;
 * implemented in server.ts over SealManager and AesGcmBarrier.
 */
/** The seal state machine's `sys/seal-status` shape. */
export type { SealStatus } from '../lifecycle/seal-manager.js';
/** The barrier's automatic rotation settings (`sys/rotate/config`). */
export type { KeyRotationConfig } from '../barrier/auto-rotation.js';

export interface SystemLifecycle {
  readonly version: string;
  initialized(): Promise<boolean>;
  initialize(params: { secret_shares: number; secret_threshold: number }): Promise<{ keys: Uint8Array[]; rootToken: string }>;
  sealStatus(): Promise<SealStatus>;
  unseal(key: Uint8Array): Promise<SealStatus>;
  resetUnseal(): Promise<SealStatus>;
  seal(): Promise<void>;
  rekeyInit(params: { secret_shares: number; secret_threshold: number; require_verification: boolean }): Promise<Record<string, unknown>>;
  rekeyStatus(): Promise<Record<string, unknown>>;
  rekeyUpdate(key: Uint8Array, nonce: string): Promise<Record<string, unknown>>;
  rekeyCancel(): Promise<void>;
  rekeyVerifyStatus(): Promise<Record<string, unknown>>;
  rekeyVerifyUpdate(key: Uint8Array, nonce: string): Promise<Record<string, unknown>>;
  /** Restarts verification under a new nonce and answers its status. */
  rekeyVerifyRestart(): Promise<Record<string, unknown>>;
  generateRootInit(): Promise<Record<string, unknown>>;
  generateRootStatus(): Promise<Record<string, unknown>>;
  generateRootUpdate(key: Uint8Array, nonce: string): Promise<Record<string, unknown>>;
  generateRootCancel(): Promise<void>;
  rotate(): Promise<{ term: number; installTime: string }>;
  keyStatus(): { term: number; install_time: string; encryptions: number };
  rotationConfig(): KeyRotationConfig;
  /** 400 when out of Vault's ranges. */
  setRotationConfig(config: KeyRotationConfig): Promise<void>;
  /** The periodic check on the active node: rotates when due, else stores the encryption count. */
  checkAutoRotate(): Promise<string | undefined>;
}
