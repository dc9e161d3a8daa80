import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * Offline verification of an audit log's hash chain and signed checkpoints (issue 4). The
 * format is written by the server's audit/hash-chain.ts: each line carries `seq` and
 * `prev_hash` (SHA-256 of the previous line's bytes); checkpoint lines sign the chain head with
 * the device's ed25519 key; each device open starts a segment with an `open` checkpoint at seq 0.
 * Syslog output (a prefix before the JSON) is accepted: everything before the first `{` is ignored.
 */
export const GENESIS = 'sha256:' + '0'.repeat(64);

const lineHash = (line: string) => 'sha256:' + createHash('sha256').update(line).digest('hex');

/** Must match audit/hash-chain.ts `checkpointMessage` in the server. */
const checkpointMessage = (device: string, seq: number, prevHash: string, time: string) =>
  `secretum-audit-checkpoint-v1\n${device}\n${seq}\n${prevHash}\n${time}`;

export interface VerifyOptions {
  /** SPKI PEM of the device's key (`sys/audit/:name/public-key`); without it signatures go unchecked. */
  publicKeyPem?: string;
  /** A live log: entries after the last signed checkpoint are not an error. */
  allowUnsignedTail?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  /** The first problem, with its 1-based line number. */
  problem?: { line: number; message: string };
  entries: number;
  checkpoints: number;
  segments: number;
  signaturesChecked: boolean;
}

interface Parsed {
  json: string;
  entry: Record<string, unknown>;
}

interface Segment {
  expectedSeq: number;
  prevJson: string;
  /** First line not yet covered by a signed checkpoint. */
  unsignedFrom: number | undefined;
}

export function verifyAuditLog(text: string, options: VerifyOptions = {}): VerifyResult {
  const key = options.publicKeyPem ? createPublicKey(options.publicKeyPem) : undefined;
  const result: VerifyResult = { ok: true, entries: 0, checkpoints: 0, segments: 0, signaturesChecked: key !== undefined };
  const fail = (line: number, message: string): VerifyResult => ({ ...result, ok: false, problem: { line, message } });
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete || lines[lines.length - 1] === '') lines.pop();
  const parsed: (Parsed | undefined)[] = lines.map(parse);

  let seg: Segment | undefined;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const p = parsed[i];
    if (!p) {
      const last = i === lines.length - 1;
      return fail(n, last && !complete ? 'incomplete last line: the tail was truncated' : 'not a JSON audit entry: altered or truncated');
    }
    const e = p.entry;
    const seq = e['seq'];
    if (typeof seq !== 'number' || typeof e['prev_hash'] !== 'string') return fail(n, 'entry has no `seq`/`prev_hash`: altered or forged');
    const isCheckpoint = e['type'] === 'checkpoint';
    if (isCheckpoint && e['event'] === 'open' && seq === 0) {
      if (seg?.unsignedFrom !== undefined) {
        return fail(seg.unsignedFrom, `entries from line ${seg.unsignedFrom} to ${n - 1} are not covered by a signed checkpoint: the segment's tail was cut`);
      }
      if (e['prev_hash'] !== GENESIS) return fail(n, 'open checkpoint does not start a chain: altered or forged');
      const prevSegment = e['prev_segment_hash'];
      if (typeof prevSegment === 'string' && i > 0) {
        const before = parsed[i - 1];
        if (!before || lineHash(before.json) !== prevSegment) {
          return fail(n, 'the line before this segment is not the one it was opened after: lines deleted or altered');
        }
      }
      seg = { expectedSeq: 0, prevJson: '', unsignedFrom: undefined };
      result.segments += 1;
    } else {
      if (!seg) return fail(n, 'the log does not start with an open checkpoint: its head was deleted');
      if (seq !== seg.expectedSeq) {
        const expected = seg.expectedSeq;
        if (seq > expected) {
          const later = parsed.findIndex((q, j) => j > i && q?.entry['seq'] === expected);
          if (later >= 0) return fail(n, `entry seq ${seq} comes before seq ${expected} (line ${later + 1}): lines reordered`);
          const missing = seq - expected;
          return fail(n, `${missing} entr${missing === 1 ? 'y' : 'ies'} deleted before this line (seq ${expected}${missing > 1 ? `–${seq - 1}` : ''} missing)`);
        }
        return fail(n, `entry seq ${seq} follows seq ${expected - 1}: lines reordered or duplicated`);
      }
      if (e['prev_hash'] !== lineHash(seg.prevJson)) {
        return fail(n - 1, `altered: its hash does not match the prev_hash recorded by line ${n}`);
      }
    }
    if (isCheckpoint) {
      result.checkpoints += 1;
      const signature = e['signature'];
      if (typeof signature === 'string') {
        if (key) {
          const message = checkpointMessage(String(e['device']), seq, String(e['prev_hash']), String(e['time']));
          const sig = Buffer.from(signature.replace(/^ed25519:/, ''), 'base64');
          if (!verify(null, Buffer.from(message), key, sig)) {
            return fail(n, `checkpoint signature invalid: the entries it covers (from line ${seg.unsignedFrom ?? n}) were altered or forged`);
          }
        }
        seg.unsignedFrom = undefined;
      } else {
        seg.unsignedFrom ??= n;
      }
    } else {
      result.entries += 1;
      seg.unsignedFrom ??= n;
    }
    seg.expectedSeq = seq + 1;
    seg.prevJson = p.json;
  }
  if (seg?.unsignedFrom !== undefined && !options.allowUnsignedTail) {
    return fail(seg.unsignedFrom, `entries from line ${seg.unsignedFrom} on are not covered by a signed checkpoint: the tail was truncated (or the log is still open)`);
  }
  if (!seg && lines.length === 0) return fail(1, 'the log is empty');
  return result;
}

function parse(line: string): Parsed | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  const json = line.slice(start).trimEnd();
  try {
    const entry = JSON.parse(json) as unknown;
    return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? { json, entry: entry as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}
