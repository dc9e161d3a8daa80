import { randomBytes } from 'node:crypto';
import { invalidRequest } from '../../errors.js';

/**
 * Certificate serial numbers. Vault writes them as lowercase hex bytes joined by `:`
 * (`17:67:16:b0:…`) and stores certificates under the `-` form, which is path-safe; clients
 * may send either form to `cert/:serial` and `revoke`.
 */

/**
 * A fresh serial: 20 random bytes (RFC 5280 §4.1.2.2 allows at most 20 octets), with the top
 * bit cleared so the DER INTEGER stays positive without a padding byte, and a nonzero first
 * byte so the encoding stays exactly 20 octets.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}

/** `0a1b…` → `0a:1b:…`. */
export function colonSerial(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return even.toLowerCase().match(/../g)!.join(':');
}

/** Accepts `0a:1b:…`, `0a-1b-…` or plain hex; returns plain lowercase hex, or throws 400. */
export function parseSerial(input: string): string {
  const hex = input.trim().toLowerCase().replace(/[:-]/g, '');
  if (hex === '' || !/^[0-9a-f]+$/.test(hex)) throw invalidRequest(`invalid serial number \`${input}\``);
  // Leading zero bytes are padding, not part of the value (x509 reports serials without them).
  const trimmed = hex.replace(/^(00)+(?=..)/, '');
  return trimmed.length % 2 === 1 ? `0${trimmed}` : trimmed;
}

/** The storage key form: `0a-1b-…`. */
export const storageSerial = (hex: string): string => colonSerial(hex).replace(/:/g, '-');
