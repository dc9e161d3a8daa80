import { sign } from 'node:crypto';
import type sshpk from 'sshpk';
import type { LoadedCa } from './ca-store.js';
import type { SshKeyPair } from './ssh-keys.js';
import { wireBlob } from './ssh-keys.js';
import { WireWriter } from './wire-writer.js';

/**
 * Writes and signs OpenSSH certificates (the `*-cert-v01@openssh.com` format of OpenSSH's
 * PROTOCOL.certkeys: https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.certkeys).
 *
 * Why not `sshpk.createCertificate`: it signs RSA certificates with SHA-1 (`ssh-rsa`), which
 * OpenSSH ≥ 8.2 refuses from a CA, and it cannot write an empty principal list, which
 * `allow_empty_principals` must be able to issue. So the certificate body is written here (plain
 * SSH wire encoding, wire-writer.ts), the signature comes from Node's `crypto.sign` with the
 * CA's cached `KeyObject`, and sshpk writes the keys' wire blobs. No cryptographic primitive is
 * implemented here.
 */

/** Vault's `algorithm_signer` values; `default` is rsa-sha2-256 for RSA CAs and the only choice for others. */
export type AlgorithmSigner = 'default' | 'ssh-rsa' | 'rsa-sha2-256' | 'rsa-sha2-512';

/** Everything a certificate says, decided by the role policy before signing. */
export interface CertificateTemplate {
  readonly subjectKey: sshpk.Key;
  /** 64-bit serial. */
  readonly serial: bigint;
  readonly certType: 'user' | 'host';
  readonly keyId: string;
  /** Empty means "valid for every principal": only with the role's `allow_empty_principals`. */
  readonly principals: readonly string[];
  /** Unix seconds. */
  readonly validAfter: number;
  /** Unix seconds. */
  readonly validBefore: number;
  readonly criticalOptions: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, string>>;
}

const CERT_TYPE = { user: 1, host: 2 } as const;
const NONCE_BYTES = 32;

/** Signs `template` with the CA key and returns the certificate as one authorized_keys-style line. */
export function signCertificate(template: CertificateTemplate, ca: LoadedCa, signer: AlgorithmSigner): string {
  const subjectBlob = wireBlob(template.subjectKey);
  const typeLength = subjectBlob.readUInt32BE(0);
  const certKeyType = `${subjectBlob.toString('latin1', 4, 4 + typeLength)}-cert-v01@openssh.com`;

  const body = new WireWriter();
  body.string(certKeyType);
  // A fresh random nonce defeats chosen-prefix hash collisions against the CA's signature.
  body.randomString(NONCE_BYTES);
  // The subject key's fields: its wire blob without the leading key-type string.
  body.raw(subjectBlob.subarray(4 + typeLength));
  body.uint64(template.serial);
  body.uint32(CERT_TYPE[template.certType]);
  body.string(template.keyId);
  body.nested((w) => {
    for (const p of template.principals) w.string(p);
  });
  body.uint64(BigInt(Math.max(0, template.validAfter)));
  body.uint64(BigInt(template.validBefore));
  body.nested((w) => writeOptions(w, template.criticalOptions));
  body.nested((w) => writeOptions(w, template.extensions));
  body.string(''); // reserved
  body.string(ca.publicBlob);
  // The signature covers everything written so far and is appended to the same buffer.
  const signed = body.bytes();
  body.nested((w) => writeSignature(w, signed, ca.pair, signer));
  return `${certKeyType} ${body.bytes().toString('base64')}`;
}

/**
 * Options and extensions: sorted by name with no duplicates (PROTOCOL.certkeys requires the
 * order; OpenSSH rejects certificates that break it). An empty value is an empty data field;
 * any other value is an SSH string inside the data field, as Go's x/crypto/ssh writes it.
 */
function writeOptions(w: WireWriter, options: Readonly<Record<string, string>>): void {
  const names = Object.keys(options).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const value = options[name] ?? '';
    w.string(name);
    w.nested((inner) => {
      if (value !== '') inner.string(value);
    });
  }
}

/**
 * Signs with Node's crypto and writes the `string algorithm, string signature` blob
 * (RFC 8332 for rsa-sha2-*, RFC 8709 for Ed25519, RFC 5656 §3.1.2 for ECDSA).
 */
function writeSignature(w: WireWriter, body: Buffer, ca: SshKeyPair, signer: AlgorithmSigner): void {
  // Each branch signs before it writes: `body` is a view of the buffer `w` appends to, and the
  // writer never changes bytes already written, so the view stays what was signed either way.
  const key = ca.privateKey;
  if (ca.algorithm === 'ed25519') {
    const signature = sign(null, body, key);
    w.string('ssh-ed25519');
    w.string(signature);
    return;
  }
  if (ca.algorithm === 'rsa') {
    const [name, hash] =
      signer === 'ssh-rsa' ? ['ssh-rsa', 'sha1'] : signer === 'rsa-sha2-512' ? ['rsa-sha2-512', 'sha512'] : ['rsa-sha2-256', 'sha256'];
    const signature = sign(hash, body, key);
    w.string(name);
    w.string(signature);
    return;
  }
  // ECDSA: the hash follows the curve (RFC 5656 §6.2.1); r and s travel as two mpints.
  const curve = ca.publicKey.curve ?? 'nistp256';
  const hash = curve === 'nistp521' ? 'sha512' : curve === 'nistp384' ? 'sha384' : 'sha256';
  const rs = sign(hash, body, { key, dsaEncoding: 'ieee-p1363' });
  const half = rs.length / 2;
  w.string(`ecdsa-sha2-${curve}`);
  w.nested((inner) => {
    inner.mpint(rs.subarray(0, half));
    inner.mpint(rs.subarray(half));
  });
}
