import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { InmemBackend } from '../storage/inmem-backend.js';
import { authzRequest, testAuth, testMount } from './authz-test-kit.js';
import { CedarAuthorizer } from './cedar-authorizer.js';
import { rawView } from './test-storage.js';

const SEED = `
permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/dev");
forbid(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/prod");
permit(principal == Service::"github-actions", action == Action::"generate", resource in Secret::"database/dynamic")
  when { context.ttl <= duration("1h") };
`;

describe('CedarAuthorizer', () => {
  let authz: CedarAuthorizer;
  const groups: Record<string, string[]> = { 'ent-alice': ['developers'] };
  const view = rawView(new InmemBackend());
  beforeEach(async () => {
    authz = new CedarAuthorizer({ groups: (id) => groups[id] ?? [] });
    authz.warm();
    await authz.policies.write(view, 'seed', SEED);
  });

  const alice = testAuth('User::"alice"', { entityId: 'ent-alice' });
  const gha = testAuth('Service::"github-actions"');

  it('lets a developer read dev secrets and refuses prod (the seed policies)', async () => {
    const dev = await authz.authorize(authzRequest(alice, 'read', 'secret/database/dev/x'));
    assert.deepEqual(dev, { allowed: true, policyIds: ['seed/0'], errors: [] });
    const prod = await authz.authorize(authzRequest(alice, 'read', 'secret/database/prod/x'));
    assert.deepEqual(prod, { allowed: false, policyIds: [], errors: [] }); // no permit applies at all
    const outsider = await authz.authorize(authzRequest(testAuth('User::"bob"'), 'read', 'secret/database/dev/x'));
    assert.equal(outsider.allowed, false);
    assert.equal((await authz.authorize(authzRequest(alice, 'update', 'secret/database/dev/x'))).allowed, false);
  });

  it('lets github-actions generate credentials for 1h and refuses 2h', async () => {
    const mount = testMount('database/', 3600);
    const ok = await authz.authorize(authzRequest(gha, 'generate', 'database/dynamic', { ttl: 3600, mount }));
    assert.deepEqual(ok, { allowed: true, policyIds: ['seed/2'], errors: [] });
    const long = await authz.authorize(authzRequest(gha, 'generate', 'database/dynamic', { ttl: 7200, mount }));
    assert.equal(long.allowed, false);
    // no TTL asked: the mount's default decides (1h here: allowed; the system's 768h: refused)
    assert.equal((await authz.authorize(authzRequest(gha, 'generate', 'database/dynamic', { mount }))).allowed, true);
    assert.equal((await authz.authorize(authzRequest(gha, 'generate', 'database/dynamic', { mount: testMount('database/') }))).allowed, false);
    assert.equal((await authz.authorize(authzRequest(testAuth('Service::"other"'), 'generate', 'database/dynamic', { ttl: 60 }))).allowed, false);
  });

  it('lets forbid win over a permit', async () => {
    await authz.policies.write(view, 'broad', 'permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret");');
    assert.equal((await authz.authorize(authzRequest(alice, 'read', 'secret/other'))).allowed, true);
    const prod = await authz.authorize(authzRequest(alice, 'read', 'secret/database/prod/x'));
    assert.deepEqual(prod, { allowed: false, policyIds: ['seed/1'], errors: [] });
  });

  it('never lets a user forbid lock out root', async () => {
    await authz.policies.write(view, 'lockout', 'forbid(principal, action, resource);');
    const root = testAuth('Token::"root-accessor"', { policies: ['root'] });
    for (const action of ['read', 'sudo', 'delete'] as const) {
      assert.deepEqual(await authz.authorize(authzRequest(root, action, 'sys/policies/cedar/lockout')), { allowed: true, policyIds: ['root'], errors: [] });
    }
    assert.equal((await authz.authorize(authzRequest(alice, 'read', 'secret/database/dev/x'))).allowed, false);
  });

  it('denies (fail closed) when a policy errors at evaluation, and reports the error', async () => {
    await authz.policies.write(view, 'overflow', 'forbid(principal, action, resource) when { 9223372036854775807 + 1 > 0 };');
    const d = await authz.authorize(authzRequest(alice, 'read', 'secret/database/dev/x'));
    assert.equal(d.allowed, false);
    assert.deepEqual(d.policyIds, ['overflow']);
    assert.match(d.errors[0]!, /overflow/);
  });

  it('takes group and token-policy parents into account', async () => {
    await authz.policies.write(view, 'roles', 'permit(principal in Role::"dev", action == Action::"read", resource in Secret::"secret/app");');
    const tok = testAuth('Token::"acc1"', { policies: ['default', 'dev'] });
    assert.equal((await authz.authorize(authzRequest(tok, 'read', 'secret/app/db'))).allowed, true);
    assert.equal((await authz.authorize(authzRequest(tok, 'read', 'secret/application'))).allowed, false, 'a prefix is a path segment, not a string prefix');
    assert.equal((await authz.authorize(authzRequest(alice, 'read', 'secret/database/dev/x', { groups: [] }))).allowed, false, 'explicit groups win');
  });

  it('caches decisions and forgets them on a policy change or invalidate()', async () => {
    const req = authzRequest(alice, 'read', 'secret/database/dev/x');
    assert.equal((await authz.authorize(req)).allowed, true);
    await authz.policies.write(view, 'block', 'forbid(principal == User::"alice", action, resource);');
    assert.equal((await authz.authorize(req)).allowed, false);
    await authz.policies.delete(view, 'block');
    assert.equal((await authz.authorize(req)).allowed, true);
    groups['ent-alice'] = [];
    assert.equal((await authz.authorize(req)).allowed, false, 'group key changes with membership');
    groups['ent-alice'] = ['developers'];
    authz.invalidate();
    assert.equal((await authz.authorize(req)).allowed, true);
  });

  it('reads context: remote address, metadata, has_ttl, time', async () => {
    await authz.policies.write(
      view,
      'ctx',
      `permit(principal == User::"carol", action == Action::"read", resource in Secret::"secret/ctx")
         when { context.remote_address.isInRange(ip("10.0.0.0/8")) && context.metadata.contains("team=platform")
                && !context.has_ttl && context.time > datetime("2020-01-01") && !context.mfa };`,
    );
    const carol = testAuth('User::"carol"', { metadata: { team: 'platform' } });
    assert.equal((await authz.authorize(authzRequest(carol, 'read', 'secret/ctx/a', { remoteAddress: '10.1.2.3' }))).allowed, true);
    assert.equal((await authz.authorize(authzRequest(carol, 'read', 'secret/ctx/a', { remoteAddress: '::ffff:10.1.2.3' }))).allowed, true);
    assert.equal((await authz.authorize(authzRequest(carol, 'read', 'secret/ctx/a', { remoteAddress: '192.168.0.1' }))).allowed, false);
    assert.equal((await authz.authorize(authzRequest(carol, 'read', 'secret/ctx/a', { remoteAddress: 'garbage' }))).allowed, false);
    assert.equal((await authz.authorize(authzRequest(carol, 'read', 'secret/ctx/a', { remoteAddress: '10.1.2.3', ttl: 5 }))).allowed, false);
    const other = testAuth('User::"carol"', { metadata: { team: 'web' } });
    assert.equal((await authz.authorize(authzRequest(other, 'read', 'secret/ctx/a', { remoteAddress: '10.1.2.3' }))).allowed, false);
  });

  it('grants a default-only token exactly its self paths', async () => {
    const tok = testAuth('Token::"acc2"');
    const allowed = [
      ['read', 'auth/token/lookup-self'],
      ['renew', 'auth/token/renew-self'],
      ['revoke', 'auth/token/revoke-self'],
      ['update', 'sys/capabilities-self'],
      ['update', 'sys/wrapping/lookup'],
      ['update', 'sys/wrapping/unwrap'],
      ['read', 'cubbyhole/x'],
      ['list', 'cubbyhole'],
      ['create', 'cubbyhole/a/b'],
    ] as const;
    for (const [action, resource] of allowed) {
      assert.equal((await authz.authorize(authzRequest(tok, action, resource))).allowed, true, `${action} ${resource}`);
    }
    const denied = [
      ['read', 'auth/token/lookup'],
      ['create', 'auth/token/create'],
      ['update', 'sys/wrapping/wrap'],
      ['update', 'sys/capabilities'],
      ['read', 'secret/x'],
      ['sudo', 'cubbyhole/x'],
      ['read', 'cubbyholex'],
    ] as const;
    for (const [action, resource] of denied) {
      assert.equal((await authz.authorize(authzRequest(tok, action, resource))).allowed, false, `${action} ${resource}`);
    }
    const noDefault = testAuth('Token::"acc3"', { policies: ['dev'] });
    assert.equal((await authz.authorize(authzRequest(noDefault, 'read', 'auth/token/lookup-self'))).allowed, false);
    const wrapping = testAuth('Token::"acc4"', { policies: ['response-wrapping'] });
    assert.equal((await authz.authorize(authzRequest(wrapping, 'update', 'sys/wrapping/unwrap'))).allowed, true);
    assert.equal((await authz.authorize(authzRequest(wrapping, 'read', 'cubbyhole/x'))).allowed, false);
  });
});
