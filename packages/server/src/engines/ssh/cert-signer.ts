import { randomBytes, sign } from 'node:crypto';
import type sshpk from 'sshpk';
import type { SshKeyPair } from './ssh-keys.js';
import { wireBlob } from './ssh-keys.js';

/**
 * Writes and signs OpenSSH certificates (the `*-cert-v01@openssh.com` format of OpenSSH's
 * PROTOCOL.certkeys: https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.certkeys).
 *
 * Why not `sshpk.createCertificate`: it signs RSA certificates with SHA-1 (`ssh-rsa`), which
 * OpenSSH ≥ 8.2 refuses from a CA, and it cannot write an empty principal list, which
 * `allow_empty_principals` must be able to issue. So the certificate body is written here (plain
 * SSH wire encoding), the signature comes from Node's `crypto.sign`, and sshpk writes the keys'
 * wire blobs. No cryptographic primitive is implemented here.
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

/** Signs `template` with the CA key and returns the certificate as one authorized_keys-style line. */
export function signCertificate(template: CertificateTemplate, ca: SshKeyPair, signer: AlgorithmSigner): string {
  const subjectBlob = wireBlob(template.subjectKey);
  const subjectKeyType = readString(subjectBlob, 0);
  const certKeyType = `${subjectKeyType.value.toString('ascii')}-cert-v01@openssh.com`;

  const body = Buffer.concat([
    sshString(certKeyType),
    // A fresh random nonce defeats chosen-prefix hash collisions against the CA's signature.
    sshString(randomBytes(32)),
    // The subject key's fields: its wire blob without the leading key-type string.
    subjectBlob.subarray(subjectKeyType.end),
    uint64(template.serial),
    uint32(CERT_TYPE[template.certType]),
    sshString(template.keyId),
    sshString(Buffer.concat(template.principals.map((p) => sshString(p)))),
    uint64(BigInt(Math.max(0, template.validAfter))),
    uint64(BigInt(template.validBefore)),
    sshString(encodeOptions(template.criticalOptions)),
    sshString(encodeOptions(template.extensions)),
    sshString(Buffer.alloc(0)), // reserved
    sshString(wireBlob(ca.publicKey)),
  ]);
  const signature = signatureBlob(body, ca, signer);
  return `${certKeyType} ${Buffer.concat([body, sshString(signature)]).toString('base64')}`;
}

/**
 * Options and extensions: sorted by name with no duplicates (PROTOCOL.certkeys requires the
 * order; OpenSSH rejects certificates that break it). An empty value is an empty data field;
 * any other value is an SSH string inside the data field, as Go's x/crypto/ssh writes it.
 */
function encodeOptions(options: Readonly<Record<string, string>>): Buffer {
  const names = Object.keys(options).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat(
    names.map((name) => {
      const value = options[name] ?? '';
      return Buffer.concat([sshString(name), sshString(value === '' ? Buffer.alloc(0) : sshString(value))]);
    }),
  );
}

/**
 * Signs with Node's crypto and writes the `string algorithm, string signature` blob
 * (RFC 8332 for rsa-sha2-*, RFC 8709 for Ed25519, RFC 5656 §3.1.2 for ECDSA).
 */
function signatureBlob(body: Buffer, ca: SshKeyPair, signer: AlgorithmSigner): Buffer {
  const key = ca.privateKey;
  if (ca.algorithm === 'ed25519') return Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, body, key))]);
  if (ca.algorithm === 'rsa') {
    const [name, hash] =
      signer === 'ssh-rsa' ? ['ssh-rsa', 'sha1'] : signer === 'rsa-sha2-512' ? ['rsa-sha2-512', 'sha512'] : ['rsa-sha2-256', 'sha256'];
    return Buffer.concat([sshString(name), sshString(sign(hash, body, key))]);
  }
  // ECDSA: the hash follows the curve (RFC 5656 §6.2.1); r and s travel as two mpints.
  const curve = ca.publicKey.curve ?? 'nistp256';
  const hash = curve === 'nistp521' ? 'sha512' : curve === 'nistp384' ? 'sha384' : 'sha256';
  const rs = sign(hash, body, { key, dsaEncoding: 'ieee-p1363' });
  const half = rs.length / 2;
  const inner = Buffer.concat([mpint(rs.subarray(0, half)), mpint(rs.subarray(half))]);
  return Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(inner)]);
}

/** An unsigned big-endian integer as an SSH mpint (RFC 4251 §5): minimal, with a 0 byte if the top bit is set. */
function mpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  const digits = unsigned.subarray(i);
  const needsPad = digits.length > 0 && (digits[0]! & 0x80) !== 0;
  return sshString(needsPad ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}

function sshString(value: string | Buffer): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(data.length), data]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function uint64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

function readString(buf: Buffer, offset: number): { value: Buffer; end: number } {
  const len = buf.readUInt32BE(offset);
  return { value: buf.subarray(offset + 4, offset + 4 + len), end: offset + 4 + len };
}
