import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, send } from '../pipeline/pipeline-test-kit.js';
import { cedarDevVault, type CedarVault } from './cedar-test-vault.js';

const put = (v: CedarVault, name: string, policy: string) => send(v, 'update', `sys/policies/cedar/${name}`, { body: { policy } });
const tokenWith = async (v: CedarVault, policies: string[], extra: Record<string, unknown> = {}) => {
  const res = await send(v, 'update', 'auth/token/create', { body: { policies, ...extra } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return body(res).auth.client_token as string;
};

describe('Cedar through the pipeline (tier 2)', () => {
  let v: CedarVault;
  before(async () => {
    v = await cedarDevVault();
    for (const path of ['database/dev/x', 'database/prod/x', 'database/prod/password', 'other/y']) {
      const res = await send(v, 'update', `secret/data/${path}`, { body: { data: { value: `v-${path}` } } });
      assert.equal(res.status, 200);
    }
  });
  after(() => v.close());

  describe('policy store', () => {
    it('writes, reads, lists and deletes Cedar documents shaped like sys/policies/acl', async () => {
      const text = 'permit(principal in Role::"ops", action == Action::"read", resource in Secret::"secret/ops");';
      assert.equal((await put(v, 'ops', text)).status, 204);
      const read = await send(v, 'read', 'sys/policies/cedar/ops');
      assert.deepEqual(body(read).data, { name: 'ops', policy: text });
      const list = await send(v, 'list', 'sys/policies/cedar');
      assert.deepEqual(body(list).data.keys, ['default', 'ops', 'response-wrapping', 'root']);
      assert.equal((await send(v, 'delete', 'sys/policies/cedar/ops')).status, 204);
      assert.equal((await send(v, 'read', 'sys/policies/cedar/ops')).status, 404);
    });

    it('refuses to write or delete root, and to delete default; default is editable', async () => {
      assert.equal((await put(v, 'root', 'forbid(principal, action, resource);')).status, 400);
      assert.equal((await send(v, 'delete', 'sys/policies/cedar/root')).status, 400);
      assert.equal((await send(v, 'delete', 'sys/policies/cedar/default')).status, 400);
      assert.match(body(await send(v, 'read', 'sys/policies/cedar/root')).data.policy, /Role::"root"/);
      const original = body(await send(v, 'read', 'sys/policies/cedar/default')).data.policy as string;
      const tok = await tokenWith(v, ['default']);
      assert.equal((await send(v, 'read', 'auth/token/lookup-self', { token: tok })).status, 200);
      assert.equal((await put(v, 'default', 'forbid(principal, action, resource) when { false };')).status, 204);
      assert.equal((await send(v, 'read', 'auth/token/lookup-self', { token: tok })).status, 403, 'takes effect on the next request');
      assert.equal((await put(v, 'default', original)).status, 204);
      assert.equal((await send(v, 'read', 'auth/token/lookup-self', { token: tok })).status, 200);
    });

    it('serves the legacy aliases sys/policy and sys/policies/acl, storing Cedar', async () => {
      const text = 'permit(principal in Role::"legacy", action == Action::"read", resource in Secret::"secret/legacy");';
      assert.equal((await send(v, 'update', 'sys/policy/legacy', { body: { rules: text } })).status, 204);
      const one = body(await send(v, 'read', 'sys/policy/legacy'));
      assert.equal(one.name, 'legacy');
      assert.equal(one.rules, text);
      assert.equal(one.data.policy, text);
      const all = body(await send(v, 'read', 'sys/policy'));
      assert.ok(all.keys.includes('legacy') && all.policies.includes('legacy') && all.data.keys.includes('legacy'));
      assert.ok(body(await send(v, 'list', 'sys/policies/acl')).data.keys.includes('legacy'));
      assert.equal(body(await send(v, 'read', 'sys/policies/acl/legacy')).data.policy, text);
      assert.equal((await send(v, 'update', 'sys/policies/acl/legacy2', { body: { policy: text } })).status, 204);
      assert.equal((await send(v, 'delete', 'sys/policy/legacy2')).status, 204);
      const hcl = await send(v, 'update', 'sys/policy/hcl', { body: { policy: 'path "secret/*" {\n  capabilities = ["read"]\n}' } });
      assert.equal(hcl.status, 400);
      assert.match(body(hcl).errors[0], /^policy `hcl`: .*line 1, column \d+/);
    });

    it('answers a syntax error and a schema error with 400, quoting Cedar with line and column', async () => {
      const syntax = await put(v, 'bad', 'permit(principal, action, resource);\npermit(principal action, resource);');
      assert.equal(syntax.status, 400);
      assert.match(body(syntax).errors[0], /^policy `bad`: .+ at line 2, column \d+/);
      const schema = await put(v, 'bad', 'permit(principal, action, resource)\n  when { context.ttl <= 3600 };');
      assert.equal(schema.status, 400);
      assert.match(body(schema).errors[0], /expected Long but saw duration|unexpected type/);
      assert.match(body(schema).errors[0], /line 2, column 10/);
      const entity = await put(v, 'bad', 'permit(principal in Team::"x", action, resource);');
      assert.equal(entity.status, 400);
      assert.match(body(entity).errors[0], /Team.*line 1, column 21/);
      const attr = await put(v, 'bad', 'permit(principal, action, resource) when { context.fooo };');
      assert.match(body(attr).errors[0], /fooo/);
      assert.equal((await send(v, 'read', 'sys/policies/cedar/bad')).status, 404);
    });

    it('keeps policies through a seal and unseal', async () => {
      await put(v, 'kept', 'permit(principal in Role::"kept", action == Action::"read", resource in Secret::"secret/other");');
      const tok = await tokenWith(v, ['kept']);
      assert.equal((await send(v, 'read', 'secret/data/other/y', { token: tok })).status, 200);
      await v.reseal();
      assert.equal(body(await send(v, 'read', 'sys/policies/cedar/kept')).data.name, 'kept');
      assert.equal((await send(v, 'read', 'secret/data/other/y', { token: tok })).status, 200);
      await send(v, 'delete', 'sys/policies/cedar/kept');
      assert.equal((await send(v, 'read', 'secret/data/other/y', { token: tok })).status, 403, 'a policy edit takes effect on the next request');
    });
  });

  describe('decisions', () => {
    it('enforces the seed policies through token roles', async () => {
      await put(v, 'seed-dev', `
        permit(principal in Role::"developers", action == Action::"read", resource in Secret::"secret/database/dev");
        forbid(principal in Role::"developers", action == Action::"read", resource in Secret::"secret/database/prod");
        permit(principal in Role::"developers", action == Action::"read", resource in Secret::"secret/database");`);
      const dev = await tokenWith(v, ['developers']);
      const ok = await send(v, 'read', 'secret/data/database/dev/x', { token: dev });
      assert.equal(ok.status, 200);
      assert.equal(body(ok).data.data.value, 'v-database/dev/x');
      assert.equal((await send(v, 'read', 'secret/data/database/prod/x', { token: dev })).status, 403);
      assert.equal((await send(v, 'update', 'secret/data/database/dev/x', { token: dev, body: { data: { a: 1 } } })).status, 403);
      await send(v, 'delete', 'sys/policies/cedar/seed-dev');
    });

    it('refuses a longer TTL than the policy allows (context.ttl)', async () => {
      await put(v, 'ci', `permit(principal in Role::"ci", action == Action::"create", resource == Secret::"auth/token/create")
        when { context.ttl <= duration("1h") };`);
      const ci = await tokenWith(v, ['ci'], { ttl: '4h' });
      assert.equal((await send(v, 'update', 'auth/token/create', { token: ci, body: { policies: ['ci'], ttl: '1h' } })).status, 200);
      assert.equal((await send(v, 'update', 'auth/token/create', { token: ci, body: { policies: ['ci'], ttl: '2h' } })).status, 403);
      // no TTL asked: the mount default (the system's 768h) is what would be granted — refused
      assert.equal((await send(v, 'update', 'auth/token/create', { token: ci, body: { policies: ['ci'] } })).status, 403);
    });

    it('gives a token with only `default` nothing but its self paths', async () => {
      const tok = await tokenWith(v, ['default']);
      const denied = [
        ['read', 'secret/data/other/y'],
        ['update', 'secret/data/other/y'],
        ['list', 'secret/metadata/'],
        ['read', 'secret/metadata/other/y'],
        ['read', 'secret/config'],
        ['read', 'sys/mounts'],
        ['update', 'sys/mounts/x'],
        ['read', 'sys/auth'],
        ['update', 'sys/rotate'],
        ['read', 'sys/key-status'],
        ['list', 'sys/policies/cedar'],
        ['read', 'sys/policies/cedar/default'],
        ['update', 'sys/policies/cedar/mine'],
        ['read', 'sys/policy'],
        ['update', 'sys/capabilities'],
        ['update', 'sys/capabilities-accessor'],
        ['update', 'sys/policies/cedar-explain'],
        ['update', 'sys/wrapping/wrap'],
        ['update', 'sys/wrapping/rewrap'],
        ['read', 'sys/internal/ui/mounts'],
        ['update', 'auth/token/create'],
        ['update', 'auth/token/lookup'],
        ['list', 'auth/token/accessors'],
        ['read', 'auth/token/roles/x'],
        ['read', 'no-such-mount/x'],
      ] as const;
      for (const [op, path] of denied) {
        const res = await send(v, op, path, { token: tok, body: { paths: ['x'], token: 'x', accessor: 'x', path: 'x', operation: 'read', principal: 'User::"a"' } });
        assert.equal(res.status, 403, `${op} ${path}`);
      }
      assert.equal((await send(v, 'read', 'auth/token/lookup-self', { token: tok })).status, 200);
      assert.equal((await send(v, 'update', 'cubbyhole/mine', { token: tok, body: { v: '1' } })).status, 204);
      assert.equal(body(await send(v, 'read', 'cubbyhole/mine', { token: tok })).data.v, '1');
      assert.equal((await send(v, 'update', 'sys/capabilities-self', { token: tok, body: { paths: ['secret/data/x'] } })).status, 200);
      assert.equal((await send(v, 'update', 'auth/token/renew-self', { token: tok })).status, 200);
      assert.equal((await send(v, 'update', 'auth/token/revoke-self', { token: tok })).status, 204);
    });

    it('lets a response-wrapping token unwrap', async () => {
      const wrapped = await send(v, 'read', 'secret/data/other/y', { wrapTtl: 60 });
      const wrapToken = body(wrapped).wrap_info.token as string;
      const res = await send(v, 'update', 'sys/wrapping/unwrap', { token: wrapToken });
      assert.equal(res.status, 200);
      assert.equal(body(res).data.data.value, 'v-other/y');
    });

    it('lets no path spelling reach a forbidden resource', async () => {
      await put(v, 'fence', `
        permit(principal in Role::"fenced", action, resource in Secret::"secret/database");
        forbid(principal in Role::"fenced", action, resource in Secret::"secret/database/prod");`);
      const tok = await tokenWith(v, ['fenced']);
      assert.equal((await send(v, 'read', 'secret/data/database/dev/x', { token: tok })).status, 200, 'the parent permit works');
      const refused: Array<[Parameters<typeof send>[1], string, Record<string, unknown>?]> = [
        ['read', 'secret/data/database/prod/password'],
        ['read', 'secret/data/database/prod/password/'],
        ['read', 'secret/data/database/dev/../prod/password'],
        ['read', 'secret/data/database/./prod/password'],
        ['read', 'secret/data/database//prod/password'],
        ['read', 'secret/data/database/dev/%2e%2e/prod/password'],
        ['read', 'secret/data/database/dev/%2E%2E/prod/password'],
        ['read', 'secret/data/database%2fprod%2fpassword'],
        ['read', 'secret/data/database%2Fprod/password'],
        ['read', 'secret%2fdata%2fdatabase%2fprod%2fpassword'],
        ['read', 'SECRET/data/database/prod/password'],
        ['read', 'Secret/data/database/prod/password'],
        ['read', 'secret/DATA/database/prod/password'],
        ['read', 'secret/data/database/prod'],
        ['read', 'secret/data/database/prod/'],
        ['list', 'secret/metadata/database/prod'],
        ['list', 'secret/metadata/database/prod/'],
        ['read', 'secret/metadata/database/prod/password'],
        ['update', 'secret/metadata/database/prod/password', { max_versions: 1 }],
        ['delete', 'secret/metadata/database/prod/password'],
        ['update', 'secret/delete/database/prod/password', { versions: [1] }],
        ['update', 'secret/undelete/database/prod/password', { versions: [1] }],
        ['update', 'secret/destroy/database/prod/password', { versions: [1] }],
        ['read', 'secret/subkeys/database/prod/password'],
        ['delete', 'secret/data/database/prod/password'],
        ['update', 'secret/data/database/prod/password', { data: { value: 'x' } }],
        ['patch', 'secret/data/database/prod/password', { data: { value: 'x' } }],
      ];
      for (const [op, path, b] of refused) {
        const res = await send(v, op, path, { token: tok, ...(b && { body: b }) });
        assert.ok(res.status === 403 || res.status === 400, `${op} ${path} → ${res.status}`);
        assert.ok(!JSON.stringify(res.body ?? {}).includes('v-database/prod'), `${op} ${path} leaked`);
      }
      // unicode look-alikes name other secrets (or no mount): never the forbidden one
      for (const path of [
        'secret/data/database/pr\u043Ed/password', // Cyrillic o
        'secret/data/database/\uFF50rod/password', // fullwidth p
        'secret/data/database/prod\u200B/password', // zero-width space
        'secret/data/database/prod/password\uFE0F',
        's\u0435cret/data/database/prod/password', // Cyrillic e in the mount
        'secret/data/database/PROD/password',
      ]) {
        const res = await send(v, 'read', encodeURI(path), { token: tok });
        assert.notEqual(res.status, 200, path);
        assert.ok(!JSON.stringify(res.body ?? {}).includes('v-database/prod'), `${path} leaked`);
      }
      // the secret is still there and root can read it: the refusals above were the policy's
      assert.equal((await send(v, 'read', 'secret/data/database/prod/password')).status, 200);
      await send(v, 'delete', 'sys/policies/cedar/fence');
    });

    it('lets forbid win, but never over root', async () => {
      await put(v, 'allow-other', 'permit(principal in Role::"mixed", action == Action::"read", resource in Secret::"secret/other");');
      await put(v, 'deny-other', 'forbid(principal in Role::"mixed", action == Action::"read", resource == Secret::"secret/other/y");');
      const tok = await tokenWith(v, ['mixed']);
      assert.equal((await send(v, 'read', 'secret/data/other/y', { token: tok })).status, 403);
      await put(v, 'lockout', 'forbid(principal, action, resource);');
      assert.equal((await send(v, 'read', 'secret/data/other/y')).status, 200, 'root is not locked out');
      assert.equal((await send(v, 'delete', 'sys/policies/cedar/lockout')).status, 204);
      await send(v, 'delete', 'sys/policies/cedar/allow-other');
      await send(v, 'delete', 'sys/policies/cedar/deny-other');
    });
  });

  describe('capabilities and explain', () => {
    it('answers sys/capabilities-self, sys/capabilities and sys/capabilities-accessor in Vault’s shape', async () => {
      await put(v, 'caps', `
        permit(principal in Role::"caps", action in [Action::"read", Action::"list"], resource in Secret::"secret/other");
        permit(principal in Role::"caps", action == Action::"sudo", resource == Secret::"sys/rotate");`);
      const tok = await tokenWith(v, ['caps']);
      const one = body(await send(v, 'update', 'sys/capabilities-self', { token: tok, body: { paths: ['secret/data/other/y'] } }));
      assert.deepEqual(one.capabilities, ['read']);
      assert.deepEqual(one['secret/data/other/y'], ['read']);
      assert.deepEqual(one.data.capabilities, ['read']);
      const many = body(await send(v, 'update', 'sys/capabilities-self', { token: tok, body: { paths: ['secret/metadata/other/', 'secret/data/database/prod/x', 'sys/rotate', 'nope/x'] } }));
      assert.equal(many.capabilities, undefined);
      assert.deepEqual(many.data['secret/metadata/other/'], ['list', 'read']);
      assert.deepEqual(many.data['secret/data/database/prod/x'], ['deny']);
      assert.deepEqual(many.data['sys/rotate'], ['sudo', 'update']);
      assert.deepEqual(many.data['nope/x'], ['deny']);
      const rootCaps = body(await send(v, 'update', 'sys/capabilities-self', { body: { path: 'secret/data/x' } }));
      assert.deepEqual(rootCaps.capabilities, ['root']);
      const byToken = body(await send(v, 'update', 'sys/capabilities', { body: { token: tok, paths: ['secret/data/other/y'] } }));
      assert.deepEqual(byToken.capabilities, ['read']);
      const accessor = body(await send(v, 'read', 'auth/token/lookup-self', { token: tok })).data.accessor as string;
      const byAccessor = body(await send(v, 'update', 'sys/capabilities-accessor', { body: { accessor, paths: ['secret/data/other/y'] } }));
      assert.deepEqual(byAccessor.capabilities, ['read']);
      const self = body(await send(v, 'update', 'sys/capabilities-self', { token: tok, body: { paths: ['auth/token/lookup-self', 'cubbyhole/x'] } }));
      assert.deepEqual(self.data['auth/token/lookup-self'], ['read', 'update']);
      assert.deepEqual(self.data['cubbyhole/x'], ['create', 'delete', 'list', 'read', 'update']);
      assert.equal((await send(v, 'update', 'sys/capabilities', { body: { token: 'nope', paths: ['x'] } })).status, 400);
    });

    it('explains a decision without performing the request', async () => {
      await put(v, 'seed', `
        permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/dev");
        forbid(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/prod");
        permit(principal == Service::"github-actions", action == Action::"generate", resource in Secret::"database/dynamic")
          when { context.ttl <= duration("1h") };
        permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database");`);
      const ask = (b: Record<string, unknown>) => send(v, 'update', 'sys/policies/cedar-explain', { body: b });
      const allow = body(await ask({ principal: 'User::"alice"', groups: ['developers'], operation: 'read', path: 'secret/data/database/dev/x' })).data;
      assert.deepEqual(allow, {
        decision: 'allow',
        policy_ids: ['seed/0', 'seed/3'],
        errors: [],
        principal: 'User::"alice"',
        action: 'Action::"read"',
        resource: 'Secret::"secret/database/dev/x"',
      });
      const deny = body(await ask({ principal: 'User::"alice"', groups: ['developers'], operation: 'read', path: 'secret/data/database/prod/x' })).data;
      assert.equal(deny.decision, 'deny');
      assert.deepEqual(deny.policy_ids, ['seed/1']);
      const meta = body(await ask({ principal: 'User::"alice"', groups: ['developers'], operation: 'delete', path: 'secret/metadata/database/dev/x' })).data;
      assert.equal(meta.decision, 'deny');
      assert.equal(meta.action, 'Action::"delete"');
      const tok = await tokenWith(v, ['default']);
      const byToken = body(await ask({ token: tok, operation: 'read', path: 'auth/token/lookup-self' })).data;
      assert.equal(byToken.decision, 'allow');
      assert.deepEqual(byToken.policy_ids, ['default/lookup-self']);
      assert.match(byToken.principal, /^Token::"/);
      const missing = body(await ask({ principal: 'User::"alice"', operation: 'read', path: 'nope/x' })).data;
      assert.equal(missing.decision, 'deny');
      assert.equal(missing.errors.length, 1);
      assert.equal((await ask({ principal: 'alice', operation: 'read', path: 'secret/data/x' })).status, 400);
      assert.equal((await ask({ principal: 'User::"a"', operation: 'fly', path: 'secret/data/x' })).status, 400);
      assert.equal((await send(v, 'read', 'secret/data/database/dev/x')).status, 200, 'explain performed nothing');
      await send(v, 'delete', 'sys/policies/cedar/seed');
    });
  });
});
