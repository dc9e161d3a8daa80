import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AuditEvent } from './audit-event.js';
import { deepFreeze } from '../framework/record-cache.js';
import { EntryFormatter } from './entry-format.js';

const TOKEN = 's.canary-token-value';
const ACCESSOR = 'canary-accessor';

const event = (type: AuditEvent['type']): AuditEvent => ({
  type,
  time: '2026-11-29T00:00:00.000Z',
  requestId: 'r-1',
  operation: 'read',
  path: 'secret/data/app',
  remoteAddress: '127.0.0.1',
  auth: {
    clientToken: TOKEN,
    accessor: ACCESSOR,
    displayName: 'token',
    policies: ['default'],
    entityId: '',
    principal: { type: 'Token', id: ACCESSOR },
  },
  ...(type === 'response' && { status: 200, response: { kind: 'json', body: { data: { password: 'hunter2' } } } }),
});

const hmac = (salt: Buffer, v: string) => 'hmac-sha256:' + createHmac('sha256', salt).update(v).digest('hex');

describe('EntryFormatter', () => {
  it('logs the token and accessor as HMACs of the current salt, in every entry and field', () => {
    const salt = Buffer.alloc(32, 1);
    const f = new EntryFormatter(salt, { hmacAccessor: true, logRaw: false });
    for (const type of ['request', 'response', 'request'] as const) {
      const body = f.format(event(type)).body;
      assert.ok(!body.includes(TOKEN) && !body.includes(ACCESSOR) && !body.includes('hunter2'));
      const entry = JSON.parse(body) as { auth: Record<string, string>; request: Record<string, string> };
      assert.equal(entry.auth['client_token'], hmac(salt, TOKEN));
      assert.equal(entry.request['client_token'], hmac(salt, TOKEN));
      assert.equal(entry.auth['accessor'], hmac(salt, ACCESSOR));
      assert.equal(entry.request['client_token_accessor'], hmac(salt, ACCESSOR));
      assert.equal(entry.auth['principal'], `Token::"${hmac(salt, ACCESSOR)}"`);
    }
  });

  it('logs a batch token as an HMAC and its missing accessor as empty, everywhere', () => {
    const salt = Buffer.alloc(32, 1);
    const f = new EntryFormatter(salt, { hmacAccessor: true, logRaw: false });
    const batch = 'b.canary-batch-token';
    const hash = 'a'.repeat(64);
    const base = event('response');
    const e: AuditEvent = {
      ...base,
      auth: { ...base.auth!, clientToken: batch, accessor: '', principal: { type: 'Token', id: hash } },
      response: { kind: 'json', body: { auth: { client_token: batch, accessor: '' } } },
    };
    const body = f.format(e).body;
    assert.ok(!body.includes(batch));
    const entry = JSON.parse(body);
    assert.equal(entry.auth.client_token, hmac(salt, batch));
    assert.equal(entry.auth.accessor, '');
    assert.equal(entry.request.client_token_accessor, '');
    assert.equal(entry.auth.principal, `Token::"${hash}"`);
    assert.equal(entry.response.auth.accessor, '');
    assert.equal(entry.response.auth.client_token, hmac(salt, batch));
  });

  it('forgets remembered hashes when the salt changes', () => {
    const f = new EntryFormatter(Buffer.alloc(32, 1), { hmacAccessor: true, logRaw: false });
    f.format(event('request'));
    const next = Buffer.alloc(32, 2);
    f.setSalt(next);
    const entry = JSON.parse(f.format(event('request')).body) as { auth: Record<string, string> };
    assert.equal(entry.auth['client_token'], hmac(next, TOKEN));
    assert.equal(entry.auth['accessor'], hmac(next, ACCESSOR));
  });

  it('keeps the accessor raw with hmac_accessor=false and everything raw with log_raw', () => {
    const salt = Buffer.alloc(32, 1);
    const plain = JSON.parse(new EntryFormatter(salt, { hmacAccessor: false, logRaw: false }).format(event('request')).body);
    assert.equal(plain.auth.accessor, ACCESSOR);
    assert.equal(plain.auth.client_token, hmac(salt, TOKEN));
    const raw = JSON.parse(new EntryFormatter(salt, { hmacAccessor: true, logRaw: true }).format(event('response')).body);
    assert.equal(raw.auth.client_token, TOKEN);
    assert.equal(raw.response.data.password, 'hunter2');
  });

  it('renders hashed data exactly as JSON.stringify of a hashed copy would, frozen parts included', () => {
    const salt = Buffer.alloc(32, 3);
    const f = new EntryFormatter(salt, { hmacAccessor: true, logRaw: false });
    // The plain definition the fast renderer must match: every string HMAC'd, at any depth.
    const hashed = (v: unknown): unknown =>
      typeof v === 'string'
        ? hmac(salt, v)
        : Array.isArray(v)
          ? v.map(hashed)
          : typeof v === 'object' && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hashed(x)]))
            : v;
    const frozen = deepFreeze({ user: 'u', list: ['a', 1, null, { deep: 'd' }], n: 2.5, ok: false, none: null });
    const values: unknown[] = [
      { a: 'x', b: { c: ['y', 3, true, null] }, u: undefined, e: '' },
      ['s', undefined, 7, { k: 'v' }],
      { data: frozen, metadata: { version: 1, created_time: 't' } },
      frozen,
      { nested: { twice: frozen, again: frozen } },
      'plain',
      42,
      null,
    ];
    for (const v of values) {
      assert.equal(f.hashedJson(v), JSON.stringify(hashed(v)));
      assert.equal(f.hashedJson(v), JSON.stringify(hashed(v)), 'a second rendering (from memory) must be the same');
    }
    const skip = new Set(['keep']);
    assert.equal(f.hashedJson({ keep: 'raw', other: 'h' }, skip), JSON.stringify({ keep: 'raw', other: hmac(salt, 'h') }));
  });

  it('hashes remembered frozen data again with a new salt', () => {
    const f = new EntryFormatter(Buffer.alloc(32, 1), { hmacAccessor: true, logRaw: false });
    const data = deepFreeze({ password: 'hunter2' });
    f.hashedJson(data);
    const next = Buffer.alloc(32, 2);
    f.setSalt(next);
    assert.equal(f.hashedJson(data), JSON.stringify({ password: hmac(next, 'hunter2') }));
  });

  it('renders a remembered auth block again when the token\'s fields differ', () => {
    const f = new EntryFormatter(Buffer.alloc(32, 1), { hmacAccessor: true, logRaw: false });
    f.format(event('request'));
    const changed = { ...event('request'), auth: { ...event('request').auth!, policies: ['default', 'ops'], metadata: { team: 'a' } } };
    const entry = JSON.parse(f.format(changed).body) as { auth: { policies: string[]; metadata: Record<string, string> } };
    assert.deepEqual(entry.auth.policies, ['default', 'ops']);
    assert.deepEqual(entry.auth.metadata, { team: 'a' });
  });

  it('gives both entries of a request the same request block, rendered once', () => {
    const f = new EntryFormatter(Buffer.alloc(32, 1), { hmacAccessor: true, logRaw: false });
    const pair = {};
    const data = { password: 'hunter2' };
    const request = JSON.parse(f.format({ ...event('request'), data, pair }).body) as { request: unknown };
    const response = JSON.parse(f.format({ ...event('response'), data, pair }).body) as { request: unknown };
    assert.deepEqual(response.request, request.request);
    assert.equal((request.request as { data: { password: string } }).data.password, hmac(Buffer.alloc(32, 1), 'hunter2'));
  });

  it('logs configured headers raw or HMAC’d — HMAC’d even under log_raw — and none while sealed', () => {
    const salt = Buffer.alloc(32, 1);
    const headers = { 'x-trace': { values: ['t-1'], hmac: false }, 'x-vault-token': { values: [TOKEN], hmac: true } };
    for (const logRaw of [false, true]) {
      const entry = JSON.parse(new EntryFormatter(salt, { hmacAccessor: true, logRaw }).format({ ...event('request'), headers }).body);
      assert.deepEqual(entry.request.headers, { 'x-trace': ['t-1'], 'x-vault-token': [hmac(salt, TOKEN)] });
    }
    const sealed = JSON.parse(new EntryFormatter(undefined, { hmacAccessor: true, logRaw: false }).format({ ...event('request'), headers }).body);
    assert.equal(sealed.request.headers, undefined);
  });
});
