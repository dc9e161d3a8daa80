/**
 * A small SOPS writer for tests only: a random data key age-encrypted to the recipients, every
 * value AES-256-GCM with a 32-byte IV and its key path as AAD, and the MAC computed as SOPS does.
 * It lets tests build files SOPS ships no fixture for (dotenv) and tamper with every format.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Encrypter, armor } from 'age-encryption';
import { stringify } from 'yaml';
import type { SopsFormat } from './detect-format.js';
import { goBoolText, goFormatFloat } from './go-text.js';
import type { SopsTree, SopsValue } from './tree-node.js';

export interface WriteSopsOptions {
  format: SopsFormat;
  recipients: string[];
  lastModified?: string;
  unencryptedSuffix?: string;
  macOnlyEncrypted?: boolean;
}

export async function writeSops(tree: SopsTree, options: WriteSopsOptions): Promise<string> {
  const dataKey = randomBytes(32);
  const suffix = options.unencryptedSuffix ?? '_unencrypted';
  const lastModified = options.lastModified ?? '2024-01-02T03:04:05Z';
  const hash = createHash('sha512');
  if (options.macOnlyEncrypted) hash.update(Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex'));

  const encrypt = (value: SopsValue, path: string[]): SopsValue => {
    if (value === null) return null;
    if (Array.isArray(value)) return value.map((item) => encrypt(item, path));
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encrypt(v, [...path, k])]));
    }
    const [type, plain] = toBytes(value);
    const encrypted = !path.some((key) => key.endsWith(suffix));
    if (encrypted || !options.macOnlyEncrypted) hash.update(plain);
    if (!encrypted || value === '') return value;
    return seal(plain, type, dataKey, path.join(':') + ':');
  };
  const body = encrypt(tree, []) as SopsTree;
  const mac = seal(Buffer.from(hash.digest('hex').toUpperCase()), 'str', dataKey, lastModified);

  const age = [];
  for (const recipient of options.recipients) {
    const e = new Encrypter();
    e.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await e.encrypt(dataKey)) });
  }
  const sops: Record<string, unknown> = { age, lastmodified: lastModified, mac, unencrypted_suffix: suffix, version: '3.7.1' };
  if (options.macOnlyEncrypted) sops['mac_only_encrypted'] = true;
  return serialize(body, sops, options.format);
}

function toBytes(value: string | number | bigint | boolean): ['str' | 'int' | 'float' | 'bool', Buffer] {
  switch (typeof value) {
    case 'string':
      return ['str', Buffer.from(value)];
    case 'bigint':
      return ['int', Buffer.from(value.toString())];
    case 'number':
      return Number.isInteger(value) ? ['int', Buffer.from(String(value))] : ['float', Buffer.from(goFormatFloat(value))];
    case 'boolean':
      return ['bool', Buffer.from(goBoolText(value))];
  }
}

export function seal(plain: Uint8Array, type: string, dataKey: Uint8Array, aad: string): string {
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${type}]`;
}

function serialize(body: SopsTree, sops: Record<string, unknown>, format: SopsFormat): string {
  switch (format) {
    case 'yaml':
      return stringify({ ...body, sops });
    case 'json':
    case 'binary':
      return JSON.stringify({ ...body, sops }, null, '\t');
    case 'ini': {
      const lines: string[] = [];
      for (const [section, keys] of Object.entries(body)) {
        lines.push(`[${section}]`, ...Object.entries(keys as SopsTree).map(([k, v]) => `${k} = ${String(v)}`), '');
      }
      lines.push('[sops]', ...flatMeta(sops).map(([k, v]) => `${k} = ${v.replaceAll('\n', '\\n')}`));
      return lines.join('\n') + '\n';
    }
    case 'dotenv': {
      const line = (k: string, v: string): string => `${k}=${v.replaceAll('\n', '\\n')}`;
      const lines = Object.entries(body).map(([k, v]) => line(k, String(v)));
      lines.push(...flatMeta(sops).map(([k, v]) => line(`sops_${k}`, v)));
      return lines.join('\n') + '\n';
    }
  }
}

/** SOPS' flattened metadata keys: `age__list_0__map_enc`. */
function flatMeta(sops: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${key}__list_${i}`));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${key}__map_${k}`);
    } else out.push([key, String(value)]);
  };
  for (const [k, v] of Object.entries(sops)) walk(v, k);
  return out;
}
