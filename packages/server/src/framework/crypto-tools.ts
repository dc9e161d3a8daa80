import { createHash, randomBytes } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import { decodeBase64 } from './base64.js';
import { definePath, type AuthzTarget, type MountEntry } from './engine.js';
import { nodeHash } from './hash-algorithms.js';

/**
 * Vault's key-less crypto tools, served twice with the same fields and errors: under
 * `sys/tools/` (https://developer.hashicorp.com/vault/api-docs/system/tools) and at the root of
 * every transit mount (https://developer.hashicorp.com/vault/api-docs/secret/transit#generate-random-bytes).
 * Both are POST/PUT only in Vault, so only `update` is declared.
 */
export interface ToolPathOptions {
  /** Put before `random` and `hash`: `tools/` in `sys/`, nothing in transit. */
  readonly prefix: string;
  /** The Cedar request, which differs between the two homes. */
  authz(req: { readonly mount: MountEntry; readonly path: string }): AuthzTarget;
}

/** Vault's cap on one random request (128 KiB). */
const MAX_RANDOM_BYTES = 128 * 1024;

const SOURCES = ['platform', 'seal', 'all'];

type OutputFormat = 'hex' | 'base64';

/** The output encoding asked for, checked before any work is done (400 otherwise). */
function outputFormat(format: string): OutputFormat {
  if (format === 'hex' || format === 'base64') return format;
  throw invalidRequest(`unsupported encoding format \`${format}\`; must be "hex" or "base64"`);
}

/** Reads `random/<a>/<b>` as Vault does: `<a>` is a source name, or a byte count when alone. */
function sourceAndBytes(urlSource: string | undefined, urlBytes: string | undefined, source: string, bytes: number) {
  if (urlSource === undefined) return { source, bytes };
  if (urlBytes === undefined && !SOURCES.includes(urlSource)) return { source, bytes: parseCount(urlSource) };
  return { source: urlSource, bytes: urlBytes === undefined ? bytes : parseCount(urlBytes) };
}

function parseCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw invalidRequest(`error parsing url-set byte count \`${value}\``);
  return Number(value);
}

/** `random(/:source)(/:bytes)`: bytes from the platform CSPRNG. */
export const randomPath = (options: ToolPathOptions) =>
  definePath({
    pattern: ['random', 'random/:urlsource', 'random/:urlsource/:urlbytes'].map((p) => options.prefix + p),
    fields: {
      urlsource: { type: 'string', description: 'Source (platform, seal, all) or byte count, given in the path.' },
      urlbytes: { type: 'string', description: 'Byte count given in the path.' },
      bytes: { type: 'int', description: `Number of bytes, 1 to ${MAX_RANDOM_BYTES} (default 32).`, default: 32 },
      format: { type: 'string', description: 'Output encoding: base64 (default) or hex.', default: 'base64' },
      source: { type: 'string', description: 'Entropy source: platform (default), seal or all.', default: 'platform' },
    },
    authz: (req) => options.authz(req),
    operations: {
      update: {
        summary: 'Return random bytes from the platform CSPRNG.',
        async handle(req) {
          const d = req.data;
          const { source, bytes } = sourceAndBytes(d.urlsource, d.urlbytes, d.source, d.bytes);
          if (!SOURCES.includes(source)) {
            throw invalidRequest(`unsupported entropy source \`${source}\`; must be "platform", "seal" or "all"`);
          }
          if (bytes < 1) throw invalidRequest("'bytes' cannot be less than 1");
          if (bytes > MAX_RANDOM_BYTES) throw invalidRequest(`'bytes' should be less than ${MAX_RANDOM_BYTES}`);
          const format = outputFormat(d.format);
          return {
            data: { random_bytes: randomBytes(bytes).toString(format) },
            // There is no seal entropy source: "seal" and "all" use the platform's, as Vault says without one.
            ...(source !== 'platform' && { warnings: ['no seal/entropy augmentation available, using platform entropy source'] }),
          };
        },
      },
    },
    help: {
      synopsis: 'Generate random bytes.',
      description: `bytes (default 32, at most 128 KiB) may be given in the path: ${options.prefix}random/64 or ${options.prefix}random/platform/64.`,
    },
  });

/** `hash(/:algorithm)`: a SHA-2 or SHA-3 digest of base64 input. */
export const hashPath = (options: ToolPathOptions) =>
  definePath({
    pattern: ['hash', 'hash/:urlalgorithm'].map((p) => options.prefix + p),
    fields: {
      urlalgorithm: { type: 'string', description: 'Hash algorithm given in the path.' },
      algorithm: { type: 'string', description: 'sha2-224/256/384/512 or sha3-224/256/384/512.', default: 'sha2-256' },
      input: { type: 'string', description: 'Base64 input to hash.', required: true, sensitive: true },
      format: { type: 'string', description: 'Output encoding: hex (default) or base64.', default: 'hex' },
    },
    authz: (req) => options.authz(req),
    operations: {
      update: {
        summary: 'Hash base64 input.',
        async handle(req) {
          const d = req.data;
          const input = decodeBase64(d.input, 'input');
          const hash = nodeHash(d.urlalgorithm ?? d.algorithm);
          const format = outputFormat(d.format);
          return { data: { sum: createHash(hash).update(input).digest(format) } };
        },
      },
    },
    help: {
      synopsis: 'Hash data.',
      description: `Returns \`sum\` in hex (default) or base64; the algorithm may be given in the path (${options.prefix}hash/sha3-256).`,
    },
  });
