import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MapStore } from '../framework/engine-harness.js';
import { devVault } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { PrefixView, type StorageView } from '../storage/storage-view.js';

/**
 * A dev vault whose audit broker is unsealed on an in-memory view, standing in for the barrier
 * view server.ts hands it. Tests only.
 */
export async function auditedVault(): Promise<{ vault: Vault; view: StorageView }> {
  const vault = await devVault();
  const view = new PrefixView(new MapStore(), 'core/audit/');
  await vault.audit.unseal(view);
  return { vault, view };
}

export const tempDir = (name = 'audit-') => mkdtemp(join(tmpdir(), name));

/** The JSON lines of an audit file. */
export async function entries(file: string): Promise<Record<string, any>[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, any>);
}

export interface Verifier {
  verifyAuditLog(
    text: string,
    options?: { publicKeyPem?: string; allowUnsignedTail?: boolean },
  ): { ok: boolean; problem?: { line: number; message: string }; entries: number; checkpoints: number };
}

/**
 * The CLI's verifier (`secretum audit verify`), so the server's writer and the CLI's reader
 * are tested against each other. Loaded by URL: it belongs to another package.
 */
export async function cliVerifier(): Promise<Verifier> {
  // From src/ under tsx the source loads; from dist/ the compiled file does.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`../../../cli/${fromSource ? 'src' : 'dist'}/commands/audit-verify.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  return (await import(url)) as Verifier;
}
