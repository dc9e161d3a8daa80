import { randomBytes } from 'node:crypto';
import { internalError, invalidRequest } from '../errors.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import type { SealConfig } from '../seal/seal-config.js';
import type { KeyCeremonyContext } from './key-ceremony.js';
import { ShareCollector, wipeAll } from './share-collector.js';

/** Length of our root tokens (`s.` + 24 base62 characters), hence of the one-time pad. */
export const OTP_LENGTH = 26;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `sys/generate-root/attempt` and `sys/generate-root/update` answers. */
export interface GenerateRootStatus {
  started: boolean;
  nonce: string;
  progress: number;
  required: number;
  /** base64 (unpadded) of token XOR otp, once complete. */
  encoded_token: string;
  /** The one-time pad; returned only by the call that starts the attempt. */
  otp: string;
  otp_length: number;
  complete: boolean;
  pgp_fingerprint: string;
}

/**
 * Generate root, OTP flavour (https://developer.hashicorp.com/vault/api-docs/system/generate-root):
 * a threshold of unseal shares authorises a new root token, which is returned XORed with a
 * one-time pad that only the operator who started the attempt holds, so the token never
 * crosses the wire in clear.
 */
export class GenerateRoot {
  private attempt: { collector: ShareCollector; otp: string } | undefined;

  constructor(private readonly ctx: KeyCeremonyContext) {}

  /** Starts an attempt and returns its one-time pad (the only time it is shown). */
  async init(): Promise<GenerateRootStatus> {
    const current = await this.ctx.current();
    if (this.attempt !== undefined) throw invalidRequest('root generation already in progress');
    const otp = randomBase62(OTP_LENGTH);
    this.attempt = { collector: new ShareCollector(current.secret_threshold, ShamirSeal.shareLength(current)), otp };
    return { ...this.describe(current), otp };
  }

  async status(): Promise<GenerateRootStatus> {
    return this.describe(await this.ctx.current());
  }

  /**
   * Adds one share. At the threshold the shares are checked against the stored root key and,
   * if they open it, `createRootToken` mints the token that is returned encoded.
   */
  async update(key: Uint8Array, nonce: string, createRootToken: () => Promise<string>): Promise<GenerateRootStatus> {
    const current = await this.ctx.current();
    const attempt = this.attempt;
    if (attempt === undefined) throw invalidRequest('no root generation in progress');
    if (nonce !== attempt.collector.nonce) throw invalidRequest('incorrect nonce');
    if (!attempt.collector.add(key)) {
      throw invalidRequest('given key has already been provided during this generation operation');
    }
    if (!attempt.collector.complete) return this.describe(current);

    const shares = attempt.collector.take();
    try {
      (await this.ctx.seal.recoverRootKey(shares, current)).fill(0);
    } finally {
      wipeAll(shares);
    }
    const token = await createRootToken();
    this.attempt = undefined;
    return {
      started: true,
      nonce: attempt.collector.nonce,
      progress: current.secret_threshold,
      required: current.secret_threshold,
      encoded_token: encodeRootToken(token, attempt.otp),
      otp: '',
      otp_length: OTP_LENGTH,
      complete: true,
      pgp_fingerprint: '',
    };
  }

  /** Drops the attempt (`DELETE sys/generate-root/attempt`). */
  cancel(): void {
    this.attempt?.collector.wipe();
    this.attempt = undefined;
  }

  private describe(current: SealConfig): GenerateRootStatus {
    const a = this.attempt;
    return {
      started: a !== undefined,
      nonce: a?.collector.nonce ?? '',
      progress: a?.collector.progress ?? 0,
      required: current.secret_threshold,
      encoded_token: '',
      otp: '',
      otp_length: OTP_LENGTH,
      complete: false,
      pgp_fingerprint: '',
    };
  }
}

/**
 * XORs the token with the pad and encodes it as unpadded base64, which is what Vault's
 * `operator generate-root -decode` expects when `otp_length` is non-zero.
 */
export function encodeRootToken(token: string, otp: string): string {
  const t = Buffer.from(token, 'utf8');
  const o = Buffer.from(otp, 'utf8');
  if (t.length !== o.length) throw internalError('root token length does not match the one-time pad');
  return Buffer.from(t.map((b, i) => b ^ o[i]!)).toString('base64').replace(/=+$/, '');
}

/** The inverse of {@link encodeRootToken}: what an operator runs with their pad. */
export function decodeRootToken(encoded: string, otp: string): string {
  const e = Buffer.from(encoded, 'base64');
  const o = Buffer.from(otp, 'utf8');
  if (e.length !== o.length) throw invalidRequest('encoded token length does not match the one-time pad');
  return Buffer.from(e.map((b, i) => b ^ o[i]!)).toString('utf8');
}

/** Uniform base62: bytes ≥ 248 (= 4 × 62) are dropped so `% 62` carries no bias. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}
