import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidRequest } from '../../errors.js';
import { generateRsaKeyPair } from '../../keygen/key-generator.js';
import { memoised } from './key-material.js';

/**
 * The key types transit offers and what each can do
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#create-key). Every primitive is
 * Node's `crypto`; this module only picks parameters and generates versions.
 */
export const KEY_TYPES = [
  'aes128-gcm96',
  'aes256-gcm96',
  'chacha20-poly1305',
  'ed25519',
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'hmac',
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

export type KeyFamily = 'aead' | 'ed25519' | 'ecdsa' | 'rsa' | 'hmac';

/** What a type is made of and which operations it supports (the `supports_*` read fields). */
export interface KeyTypeInfo {
  readonly family: KeyFamily;
  /** Node cipher name (AEAD types). */
  readonly cipher?: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  /** Symmetric key length in bytes (AEAD types). */
  readonly keyBytes?: number;
  /** Node/OpenSSL curve name and Go's name shown in `keys[v].name` (ECDSA). */
  readonly curve?: { readonly node: 'prime256v1' | 'secp384r1' | 'secp521r1'; readonly name: string; readonly bits: number };
  readonly modulusBits?: number;
  readonly encryption: boolean;
  readonly signing: boolean;
  readonly derivation: boolean;
}

const aead = (cipher: KeyTypeInfo['cipher'], keyBytes: number): KeyTypeInfo => ({
  family: 'aead',
  cipher,
  keyBytes,
  encryption: true,
  signing: false,
  derivation: true,
});
const ecdsa = (node: 'prime256v1' | 'secp384r1' | 'secp521r1', name: string, bits: number): KeyTypeInfo => ({
  family: 'ecdsa',
  curve: { node, name, bits },
  encryption: false,
  signing: true,
  derivation: false,
});
const rsa = (modulusBits: number): KeyTypeInfo => ({
  family: 'rsa',
  modulusBits,
  encryption: true,
  signing: true,
  derivation: false,
});

export const KEY_TYPE_INFO: Readonly<Record<KeyType, KeyTypeInfo>> = {
  'aes128-gcm96': aead('aes-128-gcm', 16),
  'aes256-gcm96': aead('aes-256-gcm', 32),
  'chacha20-poly1305': aead('chacha20-poly1305', 32),
  ed25519: { family: 'ed25519', encryption: false, signing: true, derivation: true },
  'ecdsa-p256': ecdsa('prime256v1', 'P-256', 256),
  'ecdsa-p384': ecdsa('secp384r1', 'P-384', 384),
  'ecdsa-p521': ecdsa('secp521r1', 'P-521', 521),
  'rsa-2048': rsa(2048),
  'rsa-3072': rsa(3072),
  'rsa-4096': rsa(4096),
  hmac: { family: 'hmac', encryption: false, signing: false, derivation: false },
};

export const isKeyType = (value: string): value is KeyType => (KEY_TYPES as readonly string[]).includes(value);

/** HMAC key sizes Vault accepts for `type=hmac` (`key_size`, bytes). */
export const HMAC_KEY_SIZE = { min: 32, max: 512, default: 32 } as const;

/**
 * One version of a key as stored (through the barrier). Binary material is base64, private keys
 * PKCS#8 PEM.
 */
export interface KeyVersion {
  /** Unix seconds (Vault's `keys` map for symmetric keys). */
  time: number;
  /** RFC 3339 (Vault's `creation_time` for asymmetric keys). */
  creationTime: string;
  /** Symmetric key; for ed25519 Go's 64-byte private key (seed || public), as Vault keeps it. */
  key?: string;
  /** Key for `hmac/`: random per version, or the key itself for `type=hmac`. */
  hmacKey: string;
  /** PKCS#8 PEM (ECDSA, RSA). */
  privateKey?: string;
  /** The public key as `keys[v].public_key` shows it: base64 for ed25519, PKIX PEM otherwise. */
  publicKey?: string;
}

const generatePair = promisify(generateKeyPair);

/**
 * Generates a new version. RSA keys come from the low-priority key-generation thread (keygen/),
 * so a 4096-bit prime search neither blocks the event loop nor competes with it for a core;
 * EC and Ed25519 from libuv's pool (async `generateKeyPair`).
 */
export async function generateVersion(type: KeyType, nowMs: number, keySize?: number): Promise<KeyVersion> {
  const info = KEY_TYPE_INFO[type];
  const base = {
    time: Math.floor(nowMs / 1000),
    creationTime: new Date(nowMs).toISOString(),
    hmacKey: randomBytes(32).toString('base64'),
  };
  switch (info.family) {
    case 'aead':
      return { ...base, key: randomBytes(info.keyBytes ?? 32).toString('base64') };
    case 'hmac': {
      const key = randomBytes(keySize ?? HMAC_KEY_SIZE.default).toString('base64');
      return { ...base, key, hmacKey: key };
    }
    case 'ed25519': {
      // Both halves as JWKs straight from the generation job: exporting a freshly generated key
      // object as a JWK can deadlock Node 20 (see engines/pki/keys.ts, generateKeyPair).
      const { privateKey, publicKey } = (await generatePair('ed25519', {
        publicKeyEncoding: { format: 'jwk' },
        privateKeyEncoding: { format: 'jwk' },
      })) as unknown as { privateKey: JsonWebKey; publicKey: JsonWebKey };
      const seed = Buffer.from(privateKey.d ?? '', 'base64url');
      const pub = Buffer.from(publicKey.x ?? '', 'base64url');
      return { ...base, key: Buffer.concat([seed, pub]).toString('base64'), publicKey: pub.toString('base64') };
    }
    case 'ecdsa':
    case 'rsa': {
      const { privateKey, publicKey } =
        info.family === 'ecdsa'
          ? await generatePair('ec', { namedCurve: info.curve?.node ?? 'prime256v1' })
          : await generateRsaKeyPair(info.modulusBits ?? 2048);
      return {
        ...base,
        privateKey: String(privateKey.export({ format: 'pem', type: 'pkcs8' })),
        publicKey: String(publicKey.export({ format: 'pem', type: 'spki' })),
      };
    }
  }
}

/** PKCS#8 header of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from its 32-byte seed. */
export const ed25519FromSeed = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });

/** The raw 32-byte public key of an Ed25519 key object. */
export const ed25519PublicBytes = (key: KeyObject): Buffer =>
  Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x ?? '', 'base64url');

/** The private key of an asymmetric version (never for a derived ed25519 key: see derive.ts). */
export function privateKeyOf(type: KeyType, version: KeyVersion): KeyObject {
  return memoised(version, 'privateKey', () => importPrivateKey(type, version));
}

function importPrivateKey(type: KeyType, version: KeyVersion): KeyObject {
  const family = KEY_TYPE_INFO[type].family;
  if (family === 'ed25519' && version.key) return ed25519FromSeed(Buffer.from(version.key, 'base64').subarray(0, 32));
  if ((family === 'ecdsa' || family === 'rsa') && version.privateKey) return createPrivateKey(version.privateKey);
  throw invalidRequest(`key type \`${type}\` has no private key`);
}

/** The public key of an asymmetric version. */
export function publicKeyOf(type: KeyType, version: KeyVersion): KeyObject {
  return memoised(version, 'publicKey', () => importPublicKey(type, version));
}

function importPublicKey(type: KeyType, version: KeyVersion): KeyObject {
  const family = KEY_TYPE_INFO[type].family;
  if (family === 'ed25519' && version.publicKey) {
    const x = Buffer.from(version.publicKey, 'base64').toString('base64url');
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  }
  if ((family === 'ecdsa' || family === 'rsa') && version.publicKey) return createPublicKey(version.publicKey);
  throw invalidRequest(`key type \`${type}\` has no public key`);
}
