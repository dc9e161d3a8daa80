import { fdatasync, write } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ChainRecord } from './chained-writer.js';
import type { DeviceSink } from './audit-device.js';
import { lineHash } from './hash-chain.js';

/**
 * The `file` device's output: `file_path` (or `stdout` / `discard`), created with `mode`.
 * Each batch is one append; `sync` (fdatasync) runs beside the appends, grouped, and makes
 * durable everything appended before it began. A failed append is cut back to the last whole batch.
 *
 * Appends and syncs go through the callback API on the raw descriptor: FileHandle.appendFile
 * cost ≈ 2.4 × the CPU of a plain write(2) per batch (BENCHMARKS.md, issue 4). Because a raw
 * descriptor number can be reused once closed, `close` waits for every operation in flight.
 */
export class FileSink implements DeviceSink {
  private fh: FileHandle | undefined;
  private size = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly path: string,
    private readonly mode: number,
    private readonly fsync: boolean,
  ) {}

  async open(): Promise<Record<string, unknown>> {
    if (this.path === 'stdout' || this.path === 'discard') return {};
    const fh = await open(this.path, 'a+', this.mode);
    try {
      await fh.chmod(this.mode);
      const { size } = await fh.stat();
      this.size = size;
      const last = await lastLine(fh, size);
      this.fh = fh;
      // Links the new segment to what the file held, so dropping a whole earlier segment shows.
      return last === undefined ? {} : { prev_segment_hash: lineHash(last) };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async write(records: readonly ChainRecord[]): Promise<void> {
    const data = records.map((r) => r.line + '\n').join('');
    if (this.path === 'discard') return;
    if (this.path === 'stdout') {
      await new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
      return;
    }
    const fh = this.fh;
    if (!fh) throw new Error('audit file is closed');
    const bytes = Buffer.from(data);
    try {
      await this.track(writeAll(fh.fd, bytes));
      this.size += bytes.length;
    } catch (err) {
      await fh.truncate(this.size).catch(() => {}); // no half-written entry left behind
      throw err;
    }
  }

  /** fdatasync: everything appended so far is on disk when it resolves. */
  async sync(): Promise<void> {
    const fh = this.fh;
    if (!fh || !this.fsync) return;
    await this.track(new Promise<void>((resolve, reject) => fdatasync(fh.fd, (err) => (err ? reject(err) : resolve()))));
  }

  private track(op: Promise<void>): Promise<void> {
    this.inFlight.add(op);
    const done = () => this.inFlight.delete(op);
    op.then(done, done);
    return op;
  }

  async reopen(): Promise<Record<string, unknown>> {
    await this.close();
    return this.open();
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await Promise.allSettled([...this.inFlight]);
    await fh?.close();
  }
}

/** Writes all of `bytes` at the end of the append-mode file `fd` (write(2) may take less). */
function writeAll(fd: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number) =>
      write(fd, bytes, offset, bytes.length - offset, null, (err, written) => {
        if (err) reject(err);
        else if (offset + written < bytes.length) from(offset + written);
        else resolve();
      });
    from(0);
  });
}

/** The last complete line of a file, read from its tail. */
async function lastLine(fh: FileHandle, size: number): Promise<string | undefined> {
  if (size === 0) return undefined;
  const len = Math.min(size, 1 << 20);
  const buf = Buffer.alloc(len);
  await fh.read(buf, 0, len, size - len);
  const text = buf.toString('utf8');
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const start = text.lastIndexOf('\n', end - 1) + 1;
  return start === 0 && len < size ? undefined : text.slice(start, end) || undefined;
}
