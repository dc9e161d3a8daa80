import { hash, sign, type KeyObject } from 'node:crypto';

/**
 * Tamper evidence (issue 4): every line a device writes carries `seq` and `prev_hash`, the
 * SHA-256 of the exact bytes of the previous line, so deleting, editing or reordering a line
 * breaks the chain. Periodic checkpoint lines sign (ed25519) the chain head, so a rewritten chain
 * cannot be passed off either. A device starts a new segment, at seq 0, each time it opens.
 *
 * The format is a contract with `secretum audit verify` (packages/cli/src/commands/audit-verify.ts).
 */
export const GENESIS = 'sha256:' + '0'.repeat(64);

/** `sha256:<hex>` of a line's UTF-8 bytes (one-shot: no Hash object per line). */
export const lineHash = (line: string): string => 'sha256:' + hash('sha256', line, 'hex');

/** What a checkpoint signature covers. */
export function checkpointMessage(device: string, seq: number, prevHash: string, time: string): string {
  return `secretum-audit-checkpoint-v1\n${device}\n${seq}\n${prevHash}\n${time}`;
}

export type CheckpointEvent = 'open' | 'periodic' | 'close';

export interface ChainState {
  seq: number;
  head: string;
}

/** The head of one device's chain. Not persisted: each open starts a new segment. */
export class HashChain {
  private seq = 0;
  private head = GENESIS;

  constructor(private readonly device: string) {}

  state(): ChainState {
    return { seq: this.seq, head: this.head };
  }

  /** Back to `s` after a batch failed to reach the device, so the next batch chains correctly. */
  restore(s: ChainState): void {
    this.seq = s.seq;
    this.head = s.head;
  }

  /** Prepends `seq` and `prev_hash` to a formatted entry (`{...}`) and advances the head. */
  link(body: string): string {
    const line = `{"seq":${this.seq},"prev_hash":"${this.head}",${body.slice(1)}`;
    this.advance(line);
    return line;
  }

  /** A checkpoint line; signed when a key is at hand (while sealed, an open checkpoint is not). */
  checkpoint(event: CheckpointEvent, time: string, key: KeyObject | undefined, extra: Record<string, unknown> = {}): string {
    const fields: Record<string, unknown> = {
      seq: this.seq,
      prev_hash: this.head,
      type: 'checkpoint',
      event,
      time,
      timestamp: time,
      device: this.device,
      ...extra,
    };
    if (key) {
      const message = checkpointMessage(this.device, this.seq, this.head, time);
      fields['signature'] = 'ed25519:' + sign(null, Buffer.from(message), key).toString('base64');
    }
    const line = JSON.stringify(fields);
    this.advance(line);
    return line;
  }

  private advance(line: string): void {
    this.seq += 1;
    this.head = lineHash(line);
  }
}
