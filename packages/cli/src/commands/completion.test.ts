import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { runCli } from '../memory-io.test-helper.js';
import { completionScript, completionTree } from './completion.js';

/** A small tree shaped like secretum's, so these tests do not depend on which commands are registered. */
function sampleProgram(): Command {
  const program = new Command('secretum');
  const kv = program.command('kv').description('key/value');
  kv.command('get').option('--format <format>', 'output').option('--field <name>', 'one field').option('--version <n>', 'version');
  kv.command('put').option('--cas <n>', 'check-and-set');
  const auth = program.command('auth').description("auth methods, 'quoted'");
  auth.command('list').option('--format <format>', 'output').option('--detailed', 'more');
  program.command('login').option('--method <m>', 'method').option('--no-store', 'do not store');
  return program;
}

const bashAvailable = spawnSync('bash', ['-c', 'true']).status === 0;

/** Sources the script in bash and completes `line` (the cursor at its end); returns COMPREPLY. */
function completeInBash(script: string, line: string): string[] {
  // Bash splits `-format=y` at `=` (COMP_WORDBREAKS), so the test does too.
  const words = line.replace(/=/g, ' = ').split(/ +/);
  const arrayLiteral = words.map((w) => `'${w}'`).join(' ');
  const probe = `${script}\nCOMP_WORDS=(${arrayLiteral}); COMP_CWORD=${words.length - 1}; _secretum; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', probe], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout.split('\n').filter((w) => w !== '');
}

describe('secretum completion', () => {
  it('reads the commander tree: subcommands, flags with values, negated flags, help', () => {
    const tree = completionTree(sampleProgram());
    assert.deepEqual(tree.subcommands.map((n) => n.path), ['kv', 'auth', 'login']);
    const login = tree.subcommands[2]!;
    assert.deepEqual(
      login.flags.map((f) => [f.name, f.takesValue]),
      [['method', true], ['no-store', false], ['help', false]],
    );
    assert.equal(tree.subcommands[0]!.subcommands[0]!.path, 'kv get');
  });

  it('bash: completes commands, subcommands, single-dash flags and -format values', { skip: !bashAvailable }, () => {
    const script = completionScript('bash', sampleProgram());
    assert.match(script, /\ncomplete -o default -F _secretum secretum\n$/);
    assert.deepEqual(completeInBash(script, 'secretum '), ['kv', 'auth', 'login']);
    assert.deepEqual(completeInBash(script, 'secretum k'), ['kv']);
    assert.deepEqual(completeInBash(script, 'secretum kv '), ['get', 'put']);
    assert.deepEqual(completeInBash(script, 'secretum kv get -f'), ['-format', '-field']);
    assert.deepEqual(completeInBash(script, 'secretum auth list -format '), ['table', 'json', 'yaml']);
    assert.deepEqual(completeInBash(script, 'secretum auth list -format=y'), ['yaml']);
    assert.deepEqual(completeInBash(script, 'secretum auth list -format='), ['table', 'json', 'yaml']);
    // A flag's value is not mistaken for a subcommand, and a leaf offers nothing (files, by -o default).
    assert.deepEqual(completeInBash(script, 'secretum kv get -version kv '), []);
    assert.deepEqual(completeInBash(script, 'secretum login -no-store '), []);
    assert.deepEqual(completeInBash(script, 'secretum login -'), ['-method', '-no-store', '-help']);
  });

  it('zsh: a #compdef script that registers itself when sourced', () => {
    const script = completionScript('zsh', sampleProgram());
    assert.match(script, /^#compdef secretum\n/);
    assert.match(script, /compdef _secretum secretum\n/);
    assert.match(script, /\n {4}'kv'\) echo 'get put' ;;\n/);
    const zsh = spawnSync('zsh', ['-n'], { input: script, encoding: 'utf8' });
    if (zsh.error === undefined) assert.equal(zsh.status, 0, zsh.stderr);
  });

  it('fish: one complete line per subcommand and flag, old-style (single-dash) flags', () => {
    const script = completionScript('fish', sampleProgram());
    assert.match(script, /\ncomplete -c secretum -n '__secretum_at \\'\\'' -f -a 'auth' -d 'auth methods, \\'quoted\\''\n/);
    assert.match(script, /\ncomplete -c secretum -n '__secretum_at \\'auth list\\'' -o format -x -a 'table json yaml' -d 'output'\n/);
    assert.match(script, /\ncomplete -c secretum -n '__secretum_at \\'kv put\\'' -o cas -r -d 'check-and-set'\n/);
    const fish = spawnSync('fish', ['--no-execute'], { input: script, encoding: 'utf8' });
    if (fish.error === undefined) assert.equal(fish.status, 0, fish.stderr);
  });

  it('secretum completion SHELL prints the script for the real tree; another shell is a usage error', async () => {
    const r = await runCli(['completion', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n {4}'auth'\) echo 'enable disable list tune' ;;\n/);
    assert.match(r.stdout, /\n {4}''\) echo '[^']*\bcompletion\b[^']*' ;;\n/);
    const bad = await runCli(['completion', 'powershell']);
    assert.deepEqual([bad.code, bad.stderr], [2, 'Error: unsupported shell `powershell`; use bash, zsh or fish\n']);
  });
});
