import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AuditEvent } from './audit-event.js';
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
});
