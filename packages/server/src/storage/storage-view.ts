import type { StorageOp } from './storage-backend.js';

/**
 * What an engine sees of storage: a prefix-scoped view over the barrier. Values are encrypted
 * before they reach the backend; engines never see the barrier or other mounts' data.
 */
export interface StorageView {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  batch(ops: readonly StorageOp[]): Promise<void>;
  keys(prefix: string): AsyncIterable<string>;
  getJson<T>(key: string): Promise<T | undefined>;
  putJson(key: string, value: unknown): Promise<void>;
  /** A narrower view: `sub('a/').get('b')` reads `a/b` of this view. */
  sub(prefix: string): StorageView;
}

/** The operations a view forwards to whatever is below it (the barrier, or a backend in tests). */
export interface RawStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  batch(ops: readonly StorageOp[]): Promise<void>;
  keys(prefix: string): AsyncIterable<string>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = <T>(bytes: Uint8Array): T => JSON.parse(decoder.decode(bytes)) as T;

/** A prefix-scoped view over a RawStore. */
export class PrefixView implements StorageView {
  constructor(
    private readonly store: RawStore,
    private readonly prefix: string,
  ) {}

  get(key: string) {
    return this.store.get(this.prefix + key);
  }
  put(key: string, value: Uint8Array) {
    return this.store.put(this.prefix + key, value);
  }
  delete(key: string) {
    return this.store.delete(this.prefix + key);
  }
  list(prefix: string) {
    return this.store.list(this.prefix + prefix);
  }
  batch(ops: readonly StorageOp[]) {
    return this.store.batch(ops.map((op) => ({ ...op, key: this.prefix + op.key })));
  }
  async *keys(prefix: string): AsyncIterable<string> {
    for await (const key of this.store.keys(this.prefix + prefix)) yield key.slice(this.prefix.length);
  }
  async getJson<T>(key: string): Promise<T | undefined> {
    const bytes = await this.get(key);
    return bytes === undefined ? undefined : decodeJson<T>(bytes);
  }
  putJson(key: string, value: unknown) {
    return this.put(key, encodeJson(value));
  }
  sub(prefix: string): StorageView {
    return new PrefixView(this.store, this.prefix + prefix);
  }
}
