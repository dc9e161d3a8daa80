import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import type { SubjectAltNames } from './cert-extensions.js';
import { exportPkcs8, generateKeyPair, resolveKeySpec, type GeneratedKeyPair, type KeySpec } from './keys.js';
import { isHostname, splitAltNames } from './name-policy.js';
import type { KeyRecord, PkiStore } from './pki-store.js';
import type { SubjectFields } from './subject-name.js';
import { publicKeyInfoDer } from './subject-public-key.js';

/**
 * Field declarations shared by the paths that create CA material (`root/generate`,
 * `intermediate/generate`, `root/sign-intermediate`), and the helpers that read them.
 */
export const subjectFields = {
  common_name: { type: 'string', description: 'The requested common name (CN).' },
  alt_names: { type: 'strings', description: 'DNS names and email addresses for the subject alternative names.', default: [] },
  ip_sans: { type: 'strings', description: 'IP addresses for the subject alternative names.', default: [] },
  uri_sans: { type: 'strings', description: 'URIs for the subject alternative names.', default: [] },
  exclude_cn_from_sans: { type: 'bool', description: 'Do not copy the common name into the DNS or email SANs.', default: false },
  ou: { type: 'strings', description: 'OU (OrganizationalUnit) values of the subject.', default: [] },
  organization: { type: 'strings', description: 'O (Organization) values of the subject.', default: [] },
  country: { type: 'strings', description: 'C (Country) values of the subject.', default: [] },
  locality: { type: 'strings', description: 'L (Locality) values of the subject.', default: [] },
  province: { type: 'strings', description: 'ST (Province) values of the subject.', default: [] },
} as const;

/** Key fields of the generate paths. */
export const keyFields = {
  key_type: { type: 'string', description: 'The key type: ec (default), rsa or ed25519.', default: 'ec', allowed: ['ec', 'rsa', 'ed25519'] },
  key_bits: { type: 'int', description: 'Key size: 256/384/521 for ec, 2048/3072/4096/8192 for rsa; 0 picks the default.', default: 0 },
  key_name: { type: 'string', description: 'A name for the new key.', default: '' },
  private_key_format: {
    type: 'string',
    description: 'The format of an exported private key: pem (type-native, the default) or pkcs8.',
    default: '',
    allowed: ['', 'der', 'pem', 'pkcs8'],
  },
} as const;

/** The subject and SANs a request asks for; the CN joins the SANs unless excluded, as in Vault. */
export function requestedNames(data: {
  common_name?: string | undefined;
  alt_names: string[];
  ip_sans: string[];
  uri_sans: string[];
  exclude_cn_from_sans: boolean;
  ou: string[];
  organization: string[];
  country: string[];
  locality: string[];
  province: string[];
}): { subject: SubjectFields; sans: SubjectAltNames } {
  const cn = (data.common_name ?? '').trim();
  const { dns, email } = splitAltNames(data.alt_names);
  if (cn !== '' && !data.exclude_cn_from_sans) {
    if (cn.includes('@')) {
      if (!email.includes(cn)) email.unshift(cn);
    } else if ((isHostname(cn) || cn.startsWith('*.')) && !dns.includes(cn)) {
      dns.unshift(cn);
    }
  }
  return {
    subject: { commonName: cn, ou: data.ou, organization: data.organization, country: data.country, locality: data.locality, province: data.province },
    sans: { dns, email, ip: data.ip_sans.map((s) => s.trim()).filter(Boolean), uri: data.uri_sans.map((s) => s.trim()).filter(Boolean) },
  };
}

/** Vault's rule for issuer and key names: letters, digits, `-` and `_`, not `default`. */
export function checkName(kind: 'issuer' | 'key', name: string): void {
  if (name === '') return;
  if (name === 'default' || !/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
    throw invalidRequest(`${kind} name \`${name}\` must be letters, digits, \`-\` or \`_\` (at most 128) and not \`default\``);
  }
}

/** Generates a key pair, stores its private half, and returns the pair (keys.ts, generateKeyPair). */
export async function createStoredKey(
  store: PkiStore,
  keyType: string,
  keyBits: number,
  name: string,
): Promise<{ record: KeyRecord; pair: GeneratedKeyPair; spec: KeySpec }> {
  checkName('key', name);
  if (name !== '' && (await store.keys()).some((k) => k.name === name)) {
    throw invalidRequest(`key name \`${name}\` already in use`);
  }
  const spec = resolveKeySpec(keyType, keyBits);
  const pair = await generateKeyPair(spec);
  const record: KeyRecord = {
    id: randomUUID(),
    name,
    ...spec,
    pkcs8: exportPkcs8(pair.privateKey),
    spki: publicKeyInfoDer(pair.publicKeyInfo).toString('base64'),
  };
  await store.putKey(record);
  return { record, pair, spec };
}
