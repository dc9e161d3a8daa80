import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WireWriter } from './wire-writer.js';

describe('WireWriter', () => {
  it('writes uint32, uint64 and length-prefixed strings (RFC 4251 §5)', () => {
    const w = new WireWriter();
    w.uint32(0x01020304);
    w.uint64(0x0102030405060708n);
    w.string('ab');
    w.string(Buffer.from([9]));
    w.string('');
    assert.equal(w.bytes().toString('hex'), '01020304' + '0102030405060708' + '000000026162' + '0000000109' + '00000000');
  });

  it('prefixes UTF-8 strings with their length in bytes, not characters', () => {
    const w = new WireWriter();
    w.string('é€😀');
    assert.equal(w.bytes().toString('hex'), '00000009' + Buffer.from('é€😀', 'utf8').toString('hex'));
  });

  it('patches the length of nested strings, including empty and doubly nested ones', () => {
    const w = new WireWriter();
    w.nested((x) => {
      x.string('k');
      x.nested(() => undefined);
    });
    assert.equal(w.bytes().toString('hex'), '00000009' + '000000016b' + '00000000');
  });

  it('writes minimal mpints with a zero byte before a set top bit', () => {
    const w = new WireWriter();
    w.mpint(Buffer.from([0, 0, 0x7f]));
    w.mpint(Buffer.from([0x80, 1]));
    w.mpint(Buffer.from([0, 0]));
    assert.equal(w.bytes().toString('hex'), '000000017f' + '00000003008001' + '00000000');
  });

  it('writes random strings of the asked length, different each time', () => {
    const a = new WireWriter();
    a.randomString(32);
    const b = new WireWriter();
    b.randomString(32);
    assert.equal(a.bytes().readUInt32BE(0), 32);
    assert.equal(a.bytes().length, 36);
    assert.notDeepEqual(a.bytes(), b.bytes());
  });

  it('grows past its first buffer without changing what was written, and keeps earlier views intact', () => {
    const w = new WireWriter();
    const big = Buffer.alloc(3000, 7);
    w.string('head');
    const head = w.bytes();
    w.nested((x) => {
      x.raw(big);
      x.string('x'.repeat(2000));
    });
    const out = w.bytes();
    assert.equal(head.toString('hex'), '0000000468656164');
    assert.deepEqual(out.subarray(0, 8), head);
    assert.equal(out.readUInt32BE(8), 3000 + 4 + 2000);
    assert.deepEqual(out.subarray(12, 3012), big);
    assert.equal(out.length, 8 + 4 + 3000 + 4 + 2000);
  });
});
