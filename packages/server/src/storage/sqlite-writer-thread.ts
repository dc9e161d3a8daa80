import { parentPort, workerData } from 'node:worker_threads';
import { VaultError } from '../errors.js';
import { groupApplier, openSqlite } from './sqlite-apply.js';
import type { WriterInit, WriterReply, WriterRequest, WireError } from './sqlite-writer.js';

/**
 * The SQLite writer thread: owns the write connection and commits one group at a time. Its
 * fsync blocks this thread, not the server's event loop, which meanwhile answers reads and
 * fills the next group. A reply is posted only after COMMIT returned, i.e. after the fsync.
 */
const init = workerData as WriterInit;
const port = parentPort!;
const db = openSqlite(init.path, init.cacheKiB);
const apply = groupApplier(db);

port.on('message', (message: WriterRequest) => {
  if (message.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: message.id, results: apply(message.requests).map((err) => (err === undefined ? null : toWire(err))) };
  } catch (err) {
    reply = { id: message.id, failure: toWire(err) };
  }
  port.postMessage(reply);
});

/** Errors cross the thread boundary as code + message; messages never hold stored values. */
function toWire(err: unknown): WireError {
  if (err instanceof VaultError) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}
