import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { mysqlPlugin } from './mysql-plugin.js';
import { postgresPlugin } from './postgres-plugin.js';
import { UsernameTemplate } from './username-template.js';

const NOW = Date.UTC(2026, 0, 1);
const data = { RoleName: 'readonly', DisplayName: 'app' };

describe('username templates', () => {
  it('renders the PostgreSQL default as v-<display>-<role>-<random 20>-<unix>', () => {
    const name = UsernameTemplate.parse(postgresPlugin.defaultUsernameTemplate).render(data, NOW);
    assert.match(name, /^v-app-readonly-[A-Za-z0-9]{20}-1767225600$/);
  });

  it('truncates the MySQL default to 32 characters', () => {
    const name = UsernameTemplate.parse(mysqlPlugin.defaultUsernameTemplate).render({ RoleName: 'a-very-long-role-name', DisplayName: 'token' }, NOW);
    assert.equal(name.length, 32);
    assert.match(name, /^v-token-a-very-lon-[A-Za-z0-9]{13}$/);
  });

  it('supports pipelines, functions and trim markers', () => {
    const t = UsernameTemplate.parse('{{- "x" -}} {{ .RoleName | uppercase | replace "O" "0" }}_{{ random 8 | len8 }}'.replace(' | len8', ''));
    assert.match(t.render(data, NOW), /^xREAD0NLY_[A-Za-z0-9]{8}$/);
    assert.equal(UsernameTemplate.parse('{{ truncate_sha256 10 "abcdefghijklmnop" }}').render(data, NOW).length, 10);
    assert.equal(UsernameTemplate.parse('{{ unix_time_millis }}').render(data, NOW), String(NOW));
  });

  it('refuses unknown functions and fields', async () => {
    await rejectsVault(Promise.resolve().then(() => UsernameTemplate.parse('{{ exec "rm" }}')), 400, /unknown function/);
    await rejectsVault(Promise.resolve().then(() => UsernameTemplate.parse('{{ .Secret }}').render(data, NOW)), 400, /unknown field/);
    await rejectsVault(Promise.resolve().then(() => UsernameTemplate.parse('{{ .RoleName ')), 400, /unclosed/);
  });
});
