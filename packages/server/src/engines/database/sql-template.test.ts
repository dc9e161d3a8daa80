import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { mysqlPlugin } from './mysql-plugin.js';
import { postgresPlugin } from './postgres-plugin.js';
import { renderStatements } from './sql-template.js';

const pg = postgresPlugin.lexicon;
const my = mysqlPlugin.lexicon;
const HOSTILE = `a"b'c;d--e\\f\`g`;

describe('statement templates', () => {
  it('escapes identifiers and literals for PostgreSQL by context', () => {
    const [s] = renderStatements([`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'`], { name: HOSTILE, password: HOSTILE }, pg);
    assert.equal(s, `CREATE ROLE "a""b'c;d--e\\f\`g" WITH LOGIN PASSWORD 'a"b''c;d--e\\f\`g'`);
  });

  it('doubles backslashes in PostgreSQL E-strings only', () => {
    const [s] = renderStatements([`SELECT E'{{password}}', '{{password}}'`], { password: `x\\'` }, pg);
    assert.equal(s, `SELECT E'x\\\\''', 'x\\'''`);
  });

  it('quotes bare placeholders completely', () => {
    assert.deepEqual(renderStatements(['CREATE ROLE {{name}} PASSWORD {{password}}'], { name: 'a"b', password: "p'q" }, pg), [
      `CREATE ROLE "a""b" PASSWORD 'p''q'`,
    ]);
    assert.deepEqual(renderStatements(['CREATE USER {{name}} IDENTIFIED BY {{password}}'], { name: 'a`b', password: "p'q" }, my), [
      "CREATE USER `a``b` IDENTIFIED BY 'p\\'q'",
    ]);
  });

  it('escapes MySQL literals with the driver and backtick identifiers by doubling', () => {
    const [a, b] = renderStatements(
      [`CREATE USER '{{name}}'@'%' IDENTIFIED BY "{{password}}"; GRANT SELECT ON \`{{name}}\`.* TO '{{name}}'@'%'`],
      { name: HOSTILE, password: HOSTILE },
      my,
    );
    assert.equal(a, `CREATE USER 'a\\"b\\'c;d--e\\\\f\`g'@'%' IDENTIFIED BY "a\\"b\\'c;d--e\\\\f\`g"`);
    assert.equal(b, `GRANT SELECT ON \`a"b'c;d--e\\f\`\`g\`.* TO 'a\\"b\\'c;d--e\\\\f\`g'@'%'`);
  });

  it('splits on semicolons outside quotes, comments and dollar quotes', () => {
    const out = renderStatements(
      [`CREATE ROLE "{{name}}"; -- a comment; still a comment\nGRANT SELECT ON t TO "{{name}}"; DO $$ BEGIN RAISE NOTICE 'x;y'; END $$; SELECT ';'`],
      { name: 'n;m' },
      pg,
    );
    assert.deepEqual(out, [
      'CREATE ROLE "n;m"',
      '-- a comment; still a comment\nGRANT SELECT ON t TO "n;m"',
      `DO $$ BEGIN RAISE NOTICE 'x;y'; END $$`,
      `SELECT ';'`,
    ]);
  });

  it('leaves placeholders in comments alone, so a newline in a value cannot end a comment', () => {
    const [s] = renderStatements(['SELECT 1 -- {{name}}\n'], { name: 'x\nDROP TABLE t' }, pg);
    assert.equal(s, 'SELECT 1 -- {{name}}');
  });

  it('escapes inside function bodies and refuses a value carrying the dollar tag', async () => {
    const [s] = renderStatements([`DO $$ BEGIN EXECUTE 'GRANT x TO "{{name}}"'; END $$`], { name: `q"r` }, pg);
    assert.equal(s, `DO $$ BEGIN EXECUTE 'GRANT x TO "q""r"'; END $$`);
    await rejectsVault(Promise.resolve().then(() => renderStatements([`DO $$ BEGIN PERFORM '{{name}}'; END $$`], { name: 'a$$b' }, pg)), 400, /dollar-quote/);
  });

  it('refuses an unterminated quote', async () => {
    await rejectsVault(Promise.resolve().then(() => renderStatements([`CREATE ROLE "{{name}}`], { name: 'x' }, pg)), 400, /unterminated/);
  });

  it('leaves unknown placeholders as written', () => {
    assert.deepEqual(renderStatements(['SELECT {{other}}'], { name: 'x' }, pg), ['SELECT {{other}}']);
  });
});
