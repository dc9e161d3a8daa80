import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MapStore } from './engine-harness.js';
import { PerViewCaches } from './per-view-caches.js';
import { PrefixView } from '../storage/storage-view.js';

describe('PerViewCaches', () => {
  it('keeps one set per view, drops every set on close, and starts afresh after it', () => {
    const dropped: Map<string, number>[] = [];
    const caches = new PerViewCaches(
      () => new Map<string, number>(),
      (c) => dropped.push(c),
    );
    const store = new MapStore();
    const a = new PrefixView(store, 'logical/a/');
    const b = new PrefixView(store, 'logical/b/');
    caches.of(a).set('k', 1);
    assert.equal(caches.of(a).get('k'), 1, 'the same set for the same view');
    assert.equal(caches.of(b).get('k'), undefined, 'another view has its own');
    const before = caches.of(a);
    caches.close();
    assert.equal(dropped.length, 2);
    assert.ok(dropped.includes(before));
    assert.notEqual(caches.of(a), before, 'a view used after close gets a fresh set');
  });
});
