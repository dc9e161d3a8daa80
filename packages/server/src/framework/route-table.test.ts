import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineSpec, PathSpec } from './engine.js';
import { RouteTable } from './route-table.js';

const path = (pattern: string | string[]): PathSpec<any> => ({ pattern, fields: {}, operations: {} }) as unknown as PathSpec<any>;

const engine: EngineSpec = {
  kind: 'secrets',
  paths: [path('config'), path('data/:path+'), path(['login/:name', 'login'])],
  unauthenticated: ['login/:name'],
};

describe('RouteTable', () => {
  it('resolves each path to the most literal declaration, the same from memory as the first time', () => {
    const routes = new RouteTable(engine);
    for (let round = 0; round < 2; round++) {
      assert.equal(routes.match('config')?.template, 'config');
      assert.deepEqual(routes.match('data/a/b')?.captures, { path: 'a/b' });
      assert.deepEqual(routes.match('data/c')?.captures, { path: 'c' });
      assert.equal(routes.match('nothing/here'), undefined);
      assert.equal(routes.isUnauthenticated('login/alice'), true);
      assert.equal(routes.isUnauthenticated('login'), false);
      assert.equal(routes.isUnauthenticated('data/x'), false);
    }
  });

  it('shares remembered captures frozen, so no caller can change what the next one gets', () => {
    const routes = new RouteTable(engine);
    const first = routes.match('data/x')!;
    assert.ok(Object.isFrozen(first.captures));
    assert.throws(() => {
      (first.captures as Record<string, string>)['path'] = 'y';
    });
    assert.deepEqual(routes.match('data/x')?.captures, { path: 'x' });
  });

  it('stays right past its bound, when remembered paths are evicted', () => {
    const routes = new RouteTable(engine);
    for (let i = 0; i < 3000; i++) assert.deepEqual(routes.match(`data/k${i}`)?.captures, { path: `k${i}` });
    for (let i = 0; i < 3000; i += 997) assert.deepEqual(routes.match(`data/k${i}`)?.captures, { path: `k${i}` });
  });
});
