import type { SealConfig } from '../seal/seal-config.js';
import type { ShamirSeal } from '../seal/shamir-seal.js';

/**
 * What the rekey and generate-root ceremonies need from the seal manager: the seal, and the
 * current split, available only while the vault is initialized and unsealed (both ceremonies
 * answer "Vault is sealed" otherwise, as Vault does).
 */
export interface KeyCeremonyContext {
  readonly seal: ShamirSeal;
  /** The stored split; throws the sealed or not-initialized error. */
  current(): Promise<SealConfig>;
}
