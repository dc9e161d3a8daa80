import { readFile } from 'node:fs/promises';
import type { SopsFallbackOptions } from './client-options.js';

/** The part of `@secretumvault/sops` the fallback uses (an optional peer dependency). */
interface SopsModule {
  decryptSops(text: Uint8Array, options: { fileName: string; identities: string[] }): Promise<unknown>;
  readAgeIdentities(text: string): string[];
  flattenSecrets(tree: unknown, prefix?: string): { path: string; value: string }[];
}

/**
 * Dynamic import through a variable, so neither TypeScript nor a bundler makes the SDK depend on
 * the SOPS reader: it is loaded only when a fallback read actually happens.
 */
const SOPS_MODULE = '@secretumvault/sops';

async function importSops(): Promise<SopsModule> {
  try {
    return (await import(SOPS_MODULE)) as SopsModule;
  } catch (err) {
    throw new Error(`the sops fallback needs the optional package \`${SOPS_MODULE}\`; install it beside the sdk`, { cause: err });
  }
}

/**
 * A SOPS file seen as read-only KV data. The file is decrypted (and its MAC verified) once, on the
 * first read; paths are the ones `secrets migrate` writes: one secret per leaf, `{ value }`.
 */
export class SopsFallback {
  private loaded: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly options: SopsFallbackOptions,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  get file(): string {
    return this.options.sops;
  }

  /** The data of the secret at `path`: `{ value }` for a leaf, `{ key: value… }` for a folder of leaves, or undefined. */
  async read(path: string): Promise<Record<string, string> | undefined> {
    const leaves = await this.leaves();
    const clean = trimSlashes(path);
    const leaf = leaves.get(clean);
    if (leaf !== undefined) return { value: leaf };
    const children: Record<string, string> = {};
    for (const [key, value] of leaves) {
      const rest = key.startsWith(`${clean}/`) ? key.slice(clean.length + 1) : undefined;
      if (rest !== undefined && !rest.includes('/')) children[rest] = value;
    }
    return Object.keys(children).length > 0 ? children : undefined;
  }

  /** Keys one level below `prefix`, folders ending in `/`, as a KV LIST answers. */
  async list(prefix: string): Promise<string[]> {
    const clean = trimSlashes(prefix);
    const keys = new Set<string>();
    for (const key of (await this.leaves()).keys()) {
      const rest = clean === '' ? key : key.startsWith(`${clean}/`) ? key.slice(clean.length + 1) : undefined;
      if (rest === undefined) continue;
      const slash = rest.indexOf('/');
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...keys].sort();
  }

  private leaves(): Promise<Map<string, string>> {
    this.loaded ??= this.load().catch((err: unknown) => {
      this.loaded = undefined; // a fixed file or key is picked up on the next read
      throw err;
    });
    return this.loaded;
  }

  private async load(): Promise<Map<string, string>> {
    const sops = await importSops();
    const identities = sops.readAgeIdentities(await this.identityText());
    const tree = await sops.decryptSops(await readFile(this.options.sops), { fileName: this.options.sops, identities });
    return new Map(sops.flattenSecrets(tree, this.options.prefix ?? '').map(({ path, value }) => [path, value]));
  }

  private async identityText(): Promise<string> {
    const keyFile = this.options.ageKeyFile ?? this.env['SOPS_AGE_KEY_FILE'];
    if (keyFile) return readFile(keyFile, 'utf8');
    const inline = this.env['SOPS_AGE_KEY'];
    if (inline) return inline;
    throw new Error('the sops fallback needs an age key: set `ageKeyFile`, SOPS_AGE_KEY_FILE or SOPS_AGE_KEY');
  }
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
