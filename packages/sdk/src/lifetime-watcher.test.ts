import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermissionDeniedError, UnavailableError } from './errors.js';
import { LifetimeWatcher, type RenewingClient } from './lifetime-watcher.js';

/** A client whose renewals answer from a script; records when each call happened. */
function scripted(answers: Array<{ ttl: number; renewable?: boolean } | Error>): RenewingClient & { calls: number[]; ids: string[] } {
  const start = Date.now();
  const calls: number[] = [];
  const ids: string[] = [];
  const next = async () => {
    calls.push(Date.now() - start);
    const answer = answers.shift() ?? new Error('script exhausted');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return {
    calls,
    ids,
    token: {
      renewSelf: async () => {
        const a = await next();
        return { auth: { lease_duration: a.ttl, renewable: a.renewable ?? true } } as never;
      },
    },
    lease: {
      renew: async (id: string) => {
        ids.push(id);
        const a = await next();
        return { lease_id: id, lease_duration: a.ttl, renewable: a.renewable ?? true };
      },
    },
  };
}

const unavailable = () => new UnavailableError('cannot reach server', { status: 0 });

describe('LifetimeWatcher', () => {
  it('renews a lease at about 2/3 of its TTL, again and again, until stopped', async () => {
    const client = scripted([{ ttl: 0.3 }, { ttl: 0.3 }, { ttl: 0.3 }]);
    const renewed: number[] = [];
    const w = new LifetimeWatcher(client, { kind: 'lease', leaseId: 'database/creds/ro/1', ttl: 0.3 }, { onRenew: ({ ttl }) => renewed.push(ttl) }).start();
    await new Promise((r) => setTimeout(r, 500));
    w.stop();
    assert.deepEqual(await w.done, { reason: 'stopped' });
    assert.equal(client.calls.length, 2);
    assert.ok(client.calls[0]! >= 180 && client.calls[0]! < 300, `first renewal at ${client.calls[0]} ms`);
    assert.deepEqual(client.ids, ['database/creds/ro/1', 'database/creds/ro/1']);
    assert.deepEqual(renewed, [0.3, 0.3]);
  });

  it('reports max_ttl when renewal stops extending the token', async () => {
    const client = scripted([{ ttl: 0.3 }, { ttl: 0.05 }]);
    const w = new LifetimeWatcher(client, { kind: 'token', ttl: 0.3 }).start();
    assert.deepEqual(await w.done, { reason: 'max_ttl' });
    assert.equal(client.calls.length, 2);
  });

  it('reports not_renewable at once for a non-renewable secret', async () => {
    const w = new LifetimeWatcher(scripted([]), { kind: 'token', ttl: 60, renewable: false }).start();
    assert.deepEqual(await w.done, { reason: 'not_renewable' });
  });

  it('gives up at once when the server refuses the renewal, and warns', async () => {
    const warnings: string[] = [];
    const denied = new PermissionDeniedError('permission denied (403)', { status: 403 });
    const w = new LifetimeWatcher(scripted([denied]), { kind: 'lease', leaseId: 'l1', ttl: 0.06 }, { logger: { warn: (m) => warnings.push(m) } }).start();
    const done = await w.done;
    assert.equal(done.reason, 'renew_failed');
    assert.equal(done.error, denied);
    assert.match(warnings[0]!, /cannot renew lease `l1`: permission denied/);
  });

  it('retries while the server is unreachable, then recovers', async () => {
    const errors: unknown[] = [];
    const client = scripted([unavailable(), { ttl: 0.3 }]);
    const w = new LifetimeWatcher(client, { kind: 'lease', leaseId: 'l', ttl: 0.3 }, { retryMs: 20, onError: (e) => errors.push(e) }).start();
    // Wait for the retry itself rather than a fixed time: on a loaded machine timers run late.
    const deadline = Date.now() + 5000;
    while (client.calls.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    w.stop();
    assert.equal(errors.length, 1);
    assert.equal(client.calls.length, 2);
  });

  it('reports expired when renewal fails until the TTL runs out', async () => {
    const client = scripted(Array.from({ length: 20 }, unavailable));
    const w = new LifetimeWatcher(client, { kind: 'lease', leaseId: 'l', ttl: 0.15 }, { retryMs: 10, logger: { warn: () => {} } }).start();
    const done = await w.done;
    assert.equal(done.reason, 'expired');
    assert.ok(done.error instanceof UnavailableError);
  });
});
