import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect, normalizeArgv, parseKeyValues, parseVersions } from './args.js';
import { CliError } from './errors.js';
import { memoryIo } from './memory-io.test-helper.js';

describe('normalizeArgv', () => {
  it('turns Vault single-dash long flags into commander double-dash flags', () => {
    assert.deepEqual(normalizeArgv(['operator', 'init', '-key-shares=5', '-key-threshold', '3', '-format=json']), [
      'operator',
      'init',
      '--key-shares=5',
      '--key-threshold',
      '3',
      '--format=json',
    ]);
  });

  it('keeps short flags, stdin dashes, negative numbers, key=value and everything after --', () => {
    assert.deepEqual(normalizeArgv(['-h', '-', '-5', 'a=-b', '--', '-format=json']), ['-h', '-', '-5', 'a=-b', '--', '-format=json']);
  });

  it('keeps double-dash flags and values containing =', () => {
    assert.deepEqual(normalizeArgv(['--format', 'json', '-metadata=a=b']), ['--format', 'json', '--metadata=a=b']);
  });

  it('rewrites boolean =true/=false to commander forms', () => {
    assert.deepEqual(normalizeArgv(['-orphan=true', '-cas-required=false', '-renewable=f']), [
      '--orphan',
      '--no-cas-required',
      '--no-renewable',
    ]);
  });
});

describe('parseKeyValues', () => {
  it('parses k=v, splitting on the first =', async () => {
    assert.deepEqual(await parseKeyValues(['a=1', 'b=x=y', 'c='], memoryIo()), { a: '1', b: 'x=y', c: '' });
  });

  it('reads k=@file and k=- (stdin, final newline dropped)', async () => {
    const io = memoryIo({ stdin: 'from stdin\n', files: { 'key.pem': 'PEM\n' } });
    assert.deepEqual(await parseKeyValues(['cert=@key.pem', 'pw=-'], io), { cert: 'PEM\n', pw: 'from stdin' });
  });

  it('reads a JSON object from - or @file.json', async () => {
    const io = memoryIo({ stdin: '{"a":1}', files: { 'b.json': '{"b":[1,2]}' } });
    assert.deepEqual(await parseKeyValues(['-', '@b.json', 'c=3'], io), { a: 1, b: [1, 2], c: '3' });
  });

  it('makes a repeated key an array', async () => {
    assert.deepEqual(await parseKeyValues(['p=a', 'p=b', 'p=c'], memoryIo()), { p: ['a', 'b', 'c'] });
  });

  it('rejects malformed pairs, a second stdin and unreadable files as usage errors', async () => {
    for (const args of [['novalue'], ['=x'], ['a=-', 'b=-'], ['a=@missing']]) {
      await assert.rejects(parseKeyValues(args, memoryIo()), (err: unknown) => err instanceof CliError && err.exitCode === 2);
    }
  });
});

describe('parseVersions and collect', () => {
  it('parses comma-separated versions', () => {
    assert.deepEqual(parseVersions('1, 2,3'), [1, 2, 3]);
    assert.throws(() => parseVersions('1,x'), CliError);
  });

  it('collects repeated and comma-separated flags', () => {
    assert.deepEqual(collect('c', collect('a,b', undefined)), ['a', 'b', 'c']);
  });
});
