import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';

/**
 * The seed's third policy end to end: an AppRole login as `github-actions` may generate
 * `database/dynamic` credentials for at most an hour, and is refused two hours — or no TTL on a
 * mount whose default is longer (fail closed). Uses the shared PostgreSQL on 127.0.0.1:5432.
 */
const POLICY = `permit(principal == Service::"github-actions", action == Action::"generate", resource in Secret::"database/dynamic")
  when { context.ttl <= duration("1h") };`;

describe('seed policy: github-actions generates database/dynamic credentials of at most 1h', () => {
  let vault: Vault;
  let ci: string;
  before(async () => {
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/mounts/database', { body: { type: 'database' } })).status, 204);
    const config = await send(vault, 'update', 'database/config/pg', {
      body: {
        plugin_name: 'postgresql-database-plugin',
        connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres',
        username: 'postgres',
        password: 'unused-with-trust-auth',
        allowed_roles: 'dynamic',
      },
    });
    assert.ok(config.status < 300, JSON.stringify(config.body));
    const role = await send(vault, 'update', 'database/roles/dynamic', {
      body: {
        db_name: 'pg',
        creation_statements: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
        default_ttl: '30m',
        max_ttl: '24h',
      },
    });
    assert.ok(role.status < 300, JSON.stringify(role.body));
    assert.equal((await send(vault, 'update', 'sys/policies/cedar/ci', { body: { policy: POLICY } })).status, 204);
    await send(vault, 'update', 'sys/auth/approle', { body: { type: 'approle' } });
    await send(vault, 'update', 'auth/approle/role/github-actions', { body: { token_policies: 'ci' } });
    const roleId = body(await send(vault, 'read', 'auth/approle/role/github-actions/role-id')).data.role_id;
    const secretId = body(await send(vault, 'update', 'auth/approle/role/github-actions/secret-id')).data.secret_id;
    ci = body(await send(vault, 'update', 'auth/approle/login', { token: '', body: { role_id: roleId, secret_id: secretId } })).auth.client_token;
  });
  after(async () => {
    await send(vault, 'update', 'sys/leases/revoke-prefix/database/creds/dynamic');
    await vault.close();
  });

  it('allows a credential of 1h, with a lease of 1h', async () => {
    const res = await send(vault, 'read', 'database/creds/dynamic', { token: ci, query: { ttl: '1h' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(body(res).data.username, /^v-/);
    assert.equal(body(res).lease_duration, 3600);
  });

  it('refuses 2h, and refuses a request that names no TTL on a mount whose default is longer', async () => {
    assert.equal((await send(vault, 'read', 'database/creds/dynamic', { token: ci, query: { ttl: '2h' } })).status, 403);
    assert.equal((await send(vault, 'read', 'database/creds/dynamic', { token: ci })).status, 403);
  });

  it('refuses another principal', async () => {
    const other = body(await send(vault, 'update', 'auth/token/create', { body: { policies: ['ci'] } })).auth.client_token;
    assert.equal((await send(vault, 'read', 'database/creds/dynamic', { token: other, query: { ttl: '1h' } })).status, 403);
  });
});
