import type { AuditEvent } from './audit-event.js';
import { ChainedWriter, type RecordSink } from './chained-writer.js';
import type { DeviceKeys } from './device-keys.js';
import { EntryFormatter, type FormatOptions } from './entry-format.js';

/** What the broker needs of a device: record one event, durably, or reject. */
export interface AuditDevice {
  readonly name: string;
  log(event: AuditEvent): Promise<void>;
  close?(): Promise<void>;
}

/** Filters of `sys/audit/:name/query` (database devices). */
export interface AuditQuery {
  readonly pathPrefix?: string;
  readonly principal?: string;
  readonly operation?: string;
  readonly decision?: 'allow' | 'deny';
  readonly type?: 'request' | 'response';
  /** ISO times; `since` inclusive, `until` exclusive. */
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly after?: string;
}

export interface AuditQueryPage {
  readonly entries: Record<string, unknown>[];
  readonly nextCursor?: string;
}

/** A sink that owns an output: a file, a syslog connection, a database pool. */
export interface DeviceSink extends RecordSink {
  /** Opens the output; returns fields for the segment's open checkpoint. */
  open(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
  /** Log rotation (SIGHUP): close and open again; returns the new open-checkpoint fields. */
  reopen?(): Promise<Record<string, unknown>>;
  query?(q: AuditQuery): Promise<AuditQueryPage>;
}

/**
 * A device the broker manages (file, syslog, database): a formatter with the device's salt,
 * a chained group-commit writer, and the sink the writer feeds.
 */
export class ChainedDevice implements AuditDevice {
  private readonly formatter: EntryFormatter;
  private readonly writer: ChainedWriter;
  private keys: DeviceKeys | undefined;

  constructor(
    readonly name: string,
    readonly type: string,
    private readonly sink: DeviceSink,
    format: FormatOptions,
    now: () => number,
    checkpoint: { every?: number; ms?: number } = {},
  ) {
    this.formatter = new EntryFormatter(undefined, format);
    this.writer = new ChainedWriter({
      device: name,
      sink,
      now,
      ...(checkpoint.every !== undefined && { checkpointEvery: checkpoint.every }),
      ...(checkpoint.ms !== undefined && { checkpointMs: checkpoint.ms }),
    });
  }

  /** The device's salt and signing key; undefined while sealed. */
  setKeys(keys: DeviceKeys | undefined): void {
    this.keys = keys;
    this.formatter.setSalt(keys?.salt);
    this.writer.setKey(keys?.signingKey);
  }

  get publicKeyPem(): string | undefined {
    return this.keys?.publicKeyPem;
  }

  get queryable(): boolean {
    return this.sink.query !== undefined;
  }

  /** Opens the output and writes the open checkpoint: the test write `sys/audit` enable does. */
  async open(): Promise<void> {
    const extra = await this.sink.open();
    await this.writer.open(extra);
  }

  log(event: AuditEvent): Promise<void> {
    // INVARIANT: formatting (the HMACs) happens here, before the entry joins any queue.
    const f = this.formatter.format(event);
    // Request entries must be written before the request runs; a response entry waits for the
    // fdatasync that also covers its request entry, so both are on disk before the reply leaves.
    return this.writer.append(f.body, f.meta, event.type === 'response');
  }

  hash(input: string): string {
    return this.formatter.hash(input);
  }

  /** A signed checkpoint now (on seal, while the key is still at hand). */
  checkpoint(): Promise<void> {
    return this.writer.checkpoint('periodic');
  }

  async reopen(): Promise<void> {
    const reopen = this.sink.reopen?.bind(this.sink);
    if (reopen) await this.writer.rotate(reopen);
  }

  query(q: AuditQuery): Promise<AuditQueryPage> {
    if (!this.sink.query) throw new Error(`audit device \`${this.name}\` cannot be queried`);
    return this.sink.query(q);
  }

  async close(): Promise<void> {
    try {
      await this.writer.checkpoint('close');
    } finally {
      await this.sink.close();
    }
  }
}
