import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from './errors.js';
import { columns, fieldValue, formatValue, keyList, keyValueTable, resolveFormat, structured, toJson, toYaml } from './output.js';

describe('output', () => {
  it('aligns a Key/Value table, sorted, with Vault value forms', () => {
    const table = keyValueTable({ version: 3, deletion_time: null, created_time: 't', policies: ['a', 'b'] });
    assert.equal(
      table,
      ['Key              Value', '---              -----', 'created_time     t', 'deletion_time    n/a', 'policies         [a b]', 'version          3', ''].join(
        '\n',
      ),
    );
  });

  it('prints objects as Go maps, sorted', () => {
    assert.equal(formatValue({ b: 1, a: 'x' }), 'map[a:x b:1]');
  });

  it('keeps row order when asked and pads every column but the last', () => {
    assert.equal(columns(['Path', 'Type'], [['secret/', 'kv']]), 'Path       Type\n----       ----\nsecret/    kv\n');
    assert.equal(keyValueTable({ z: 1, a: 2 }, false).split('\n')[2], 'z      1');
    assert.equal(keyValueTable({ deletion_time: '' }).split('\n')[2], 'deletion_time    n/a');
  });

  it('lists keys under a Keys header', () => {
    assert.equal(keyList(['a', 'b/']), 'Keys\n----\na\nb/\n');
  });

  it('prints JSON with a final newline', () => {
    assert.equal(toJson({ a: 1 }), '{\n  "a": 1\n}\n');
  });

  it('resolves -format, then VAULT_FORMAT, then table', () => {
    assert.equal(resolveFormat('JSON', {}), 'json');
    assert.equal(resolveFormat(undefined, { VAULT_FORMAT: 'json' }), 'json');
    assert.equal(resolveFormat(undefined, {}), 'table');
    assert.equal(resolveFormat('yaml', {}), 'yaml');
    assert.equal(resolveFormat(undefined, { VAULT_FORMAT: 'yml' }), 'yaml');
    assert.throws(() => resolveFormat('xml', {}), { message: 'Error: `-format` must be "table", "json" or "yaml", got `xml`' });
  });

  it('prints YAML in block style, quoting strings that would read as something else', () => {
    const value = {
      'userpass/': { type: 'userpass', options: null, local: false, ttl: 0, tags: ['a', 'b'], config: { empty: {} } },
      looks_like_bool: 'true',
      looks_like_number: '1.0',
      colon: 'a: b',
      empty: '',
      skipped: undefined,
    };
    assert.equal(
      toYaml(value),
      [
        'userpass/:',
        '  type: userpass',
        '  options: null',
        '  local: false',
        '  ttl: 0',
        '  tags:',
        '    - a',
        '    - b',
        '  config:',
        '    empty: {}',
        'looks_like_bool: "true"',
        'looks_like_number: "1.0"',
        'colon: "a: b"',
        'empty: ""',
        '',
      ].join('\n'),
    );
  });

  it('keeps long and multi-line strings whole in YAML', () => {
    const token = `hvs.${'x'.repeat(200)}`;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const text = toYaml({ token, pem, list: [] });
    assert.ok(text.includes(`token: ${token}\n`), text);
    assert.ok(text.includes('pem: |\n  -----BEGIN CERTIFICATE-----\n  MIIB\n  -----END CERTIFICATE-----\n'), text);
    assert.ok(text.endsWith('list: []\n'), text);
  });

  it('structured picks JSON or YAML', () => {
    assert.equal(structured('json', ['read']), '[\n  "read"\n]\n');
    assert.equal(structured('yaml', ['read']), '- read\n');
  });

  it('prints one field raw', () => {
    assert.equal(fieldValue({ token: 'hvs.x', n: 2 }, 'token', 'x'), 'hvs.x\n');
    assert.equal(fieldValue({ n: 2 }, 'n', 'x'), '2\n');
    assert.throws(() => fieldValue({}, 'nope', 'x'), CliError);
  });
});
