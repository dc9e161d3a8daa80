import { publicRandom } from '../../framework/public-random.js';

/**
 * Certificate serial numbers: 64 random bits from the CSPRNG, never stored.
 *
 * Decision (2026-11, BENCHMARKS.md issue 7): no per-certificate record and no uniqueness read.
 * They cost every certificate a storage read and a durable write through the barrier (with the
 * role and CA reads, the bulk of a sign's CPU after the signature itself; on a file-backed
 * server also one fsync-bound commit per certificate), and nothing read them: this engine has
 * no certificate list, revocation endpoint or tidy job. Vault's SSH CA keeps no per-certificate
 * state either: the CA cannot revoke a certificate, which only expires or is listed by serial
 * (or key) in sshd's `RevokedKeys`. Records that earlier versions wrote under `serials/` stay
 * where they are and are never read.
 *
 * Why random 64-bit serials meet "serials are unique". For n certificates the chance that any
 * two share a serial is below n²/2⁶⁵ (birthday bound): 3·10⁻⁸ after a million certificates,
 * 3·10⁻⁶ after ten million (a thousand an hour for a year), drawn from OpenSSL's CSPRNG as every
 * key and nonce of this server is. And what a clash could break is narrow: a `RevokedKeys` entry
 * by serial would also refuse the other certificate (fail-safe, never a wrongful login), and
 * only while both are unexpired. An in-memory set of recent serials would only guard against a
 * broken random generator, and then the certificate nonces and every key made here are broken
 * too; a storage check would not survive a restore from backup anyway.
 */

/** A certificate serial: its value and Vault's form of it (lowercase hex, no leading zeros). */
export interface Serial {
  readonly value: bigint;
  readonly hex: string;
}

/** Draws a fresh serial. */
export function randomSerial(): Serial {
  for (;;) {
    const value = publicRandom(8).readBigUInt64BE();
    // Zero reads as "no serial" to some tools; draw again (probability 2⁻⁶⁴).
    if (value !== 0n) return { value, hex: value.toString(16) };
  }
}
