/**
 * Request counts and latencies, kept in plain typed arrays so that recording one request on the
 * hot path is a map lookup and a few array increments: no label objects, no label-hash strings
 * (prom-client's `labels(...).inc()` still builds a hash string on every call). The cells are
 * turned into Prometheus series only when scraped (`request-collectors.ts`).
 */

/** The operations the pipeline reports; anything else is counted as `other`. */
export const OPERATIONS = ['read', 'list', 'create', 'update', 'patch', 'delete', 'other'] as const;
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

/**
 * Upper bounds, in seconds, for request latency: 0.1 ms (an in-memory KV read) to 1 s (a
 * database credential), plus one bucket beyond for slow outliers; `+Inf` is implicit.
 */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
]);

/** Label for requests refused before a mount was found (sealed, bad path, unknown mount). */
export const NO_MOUNT = 'none';
/** Label for mount types beyond `MAX_MOUNT_TYPES`, so a misbehaving caller cannot explode cardinality. */
export const OTHER_MOUNT = 'other';
const MAX_MOUNT_TYPES = 64;

const OPS = OPERATIONS.length;
const CLASSES = STATUS_CLASSES.length;
const BUCKETS = DURATION_BUCKETS.length;
/** Per operation: one cell per bucket, one for `+Inf` overflow, then sum and count. */
const HIST_STRIDE = BUCKETS + 3;
const SUM = BUCKETS + 1;
const COUNT = BUCKETS + 2;

/** The cells of one mount type. */
export interface MountTypeCells {
  readonly mountType: string;
  /** `[op * CLASSES + class]`: request totals. */
  readonly counts: Float64Array;
  /** `[op * HIST_STRIDE + bucket]`: non-cumulative bucket counts, then sum and count. */
  readonly durations: Float64Array;
}

/** One histogram series, as exported. */
export interface DurationSeries {
  readonly operation: string;
  readonly mountType: string;
  /** Cumulative counts per `DURATION_BUCKETS` entry (Prometheus `le` semantics). */
  readonly cumulative: number[];
  readonly sum: number;
  readonly count: number;
}

function operationIndex(operation: string): number {
  switch (operation) {
    case 'read':
      return 0;
    case 'list':
      return 1;
    case 'create':
      return 2;
    case 'update':
      return 3;
    case 'patch':
      return 4;
    case 'delete':
      return 5;
    default:
      return 6;
  }
}

export class RequestStats {
  private readonly byType = new Map<string, MountTypeCells>();

  /**
   * Counts one request. O(1): one Map lookup, a switch, and a scan of at most 15 bucket bounds.
   * Allocates only the first time a mount type is seen.
   */
  record(operation: string, mountType: string | undefined, status: number, seconds: number): void {
    const key = mountType || NO_MOUNT;
    const cells = this.byType.get(key) ?? this.add(key);
    const op = operationIndex(operation);
    let cls = (status / 100) | 0; // 1..5 for valid HTTP statuses
    cls = cls >= 1 && cls <= 5 ? cls - 1 : CLASSES - 1;
    cells.counts[op * CLASSES + cls]!++;
    const s = seconds >= 0 ? seconds : 0; // also maps NaN to 0
    let b = 0;
    while (b < BUCKETS && s > DURATION_BUCKETS[b]!) b++;
    const base = op * HIST_STRIDE;
    cells.durations[base + b]!++;
    cells.durations[base + SUM]! += s;
    cells.durations[base + COUNT]!++;
  }

  /** Every (operation, status class, mount type) with a non-zero count. */
  *counters(): Iterable<{ operation: string; statusClass: string; mountType: string; value: number }> {
    for (const cells of this.byType.values()) {
      for (let i = 0; i < cells.counts.length; i++) {
        const value = cells.counts[i]!;
        if (value === 0) continue;
        yield {
          operation: OPERATIONS[Math.floor(i / CLASSES)]!,
          statusClass: STATUS_CLASSES[i % CLASSES]!,
          mountType: cells.mountType,
          value,
        };
      }
    }
  }

  /** Every (operation, mount type) histogram that has observed at least one request. */
  *durations(): Iterable<DurationSeries> {
    for (const cells of this.byType.values()) {
      for (let op = 0; op < OPS; op++) {
        const base = op * HIST_STRIDE;
        const count = cells.durations[base + COUNT]!;
        if (count === 0) continue;
        const cumulative: number[] = [];
        let acc = 0;
        for (let b = 0; b < BUCKETS; b++) cumulative.push((acc += cells.durations[base + b]!));
        yield { operation: OPERATIONS[op]!, mountType: cells.mountType, cumulative, sum: cells.durations[base + SUM]!, count };
      }
    }
  }

  reset(): void {
    this.byType.clear();
  }

  private add(mountType: string): MountTypeCells {
    // INVARIANT: at most MAX_MOUNT_TYPES + 1 entries; mount types come from the engine registry,
    // so the cap is only a guard.
    const key = this.byType.size < MAX_MOUNT_TYPES ? mountType : OTHER_MOUNT;
    let cells = this.byType.get(key);
    if (!cells) {
      cells = { mountType: key, counts: new Float64Array(OPS * CLASSES), durations: new Float64Array(OPS * HIST_STRIDE) };
      this.byType.set(key, cells);
    }
    return cells;
  }
}
