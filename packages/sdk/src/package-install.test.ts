import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// The SDK must install on its own: `npm pack`, install the tarball into an empty project with no
// network (it has no dependencies, so nothing to fetch), import it, and find nothing native or
// server-side in the installed tree. Runs against the built dist/ (npm run build first).

function sdkRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@secretumvault/sdk') return dir;
    if (dirname(dir) === dir) throw new Error('packages/sdk not found');
  }
}

function walk(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, found);
    else found.push(full);
  }
  return found;
}

describe('@secretumvault/sdk package', () => {
  it('packs, installs offline into an empty directory, imports, and pulls in nothing native or server-side', { timeout: 120_000 }, () => {
    const root = sdkRoot();
    const work = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
    try {
      const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });
      const tarball = join(work, npm(['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!);
      const project = join(work, 'app');
      execFileSync('mkdir', [project]);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
      npm(['install', '--offline', '--no-audit', '--no-fund', tarball], project);

      const files = walk(join(project, 'node_modules'));
      const packages = readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
      assert.deepEqual(packages, ['@secretumvault']);
      assert.deepEqual(readdirSync(join(project, 'node_modules', '@secretumvault')), ['sdk']);
      assert.deepEqual(files.filter((f) => f.endsWith('.node') || /binding\.gyp$/.test(f)), []);
      assert.equal(files.some((f) => /better-sqlite3|@secretumvault[/\\]server|cedar/.test(f)), false);
      assert.equal(files.some((f) => f.endsWith('.test.js')), false, 'tests are not shipped');

      writeFileSync(
        join(project, 'check.mjs'),
        "import { VaultClient, createSecretsProvider } from '@secretumvault/sdk';\n" +
          "const c = new VaultClient({ address: 'http://127.0.0.1:1', token: 't' });\n" +
          "const p = createSecretsProvider({ secrets: { provider: 'env' } }, { env: { A_B: 'v' } });\n" +
          "console.log(typeof c.kv().get, await p.get('a/b'));\n",
      );
      assert.equal(execFileSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' }).trim(), 'function v');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
