// The durable-write floor for target 3: serial single-row upserts of a ~300-byte blob, one
// transaction (one fsync) each, on a WAL database with synchronous=FULL, for N seconds.
// Usage: node commit-floor.mjs DB_FILE SECONDS  -> prints {"commits":n,"seconds":s,"perSec":r}
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

const [file, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('cache_size = -65536');
db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
const put = db.prepare('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)');
const blob = randomBytes(300);
// INVARIANT: every commit changes the row. SQLite skips writing a cell overwritten with identical
// bytes, and a transaction with no dirty page writes no WAL frame and so never fsyncs.
const commit = db.transaction((key, n) => {
  blob.writeUInt32BE(n >>> 0, 0);
  put.run(key, blob);
});

const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
let n = 0;
let now = start;
while (now < deadline) {
  commit(`floor/${n % 1024}`, n);
  n++;
  now = process.hrtime.bigint();
}
db.close();
const elapsed = Number(now - start) / 1e9;
process.stdout.write(JSON.stringify({ commits: n, seconds: elapsed, perSec: n / elapsed }) + '\n');
