import assert from 'node:assert/strict';
import { body, send } from '../pipeline/pipeline-test-kit.js';
import type { VaultResponse } from '../pipeline/vault-request.js';
import type { Vault } from '../server.js';

/**
 * A token whose only policies are `default` and, when `cedar` is given, a policy named `role`
 * holding it (`principal in Role::"<role>"`): how the sys/ tests check their Cedar requests.
 */
export async function tokenFor(vault: Vault, role: string, cedar?: string): Promise<string> {
  if (cedar !== undefined) {
    const put = await send(vault, 'update', `sys/policies/cedar/${role}`, { body: { policy: cedar } });
    assert.equal(put.status, 204, JSON.stringify(put.body));
  }
  const created = await send(vault, 'update', 'auth/token/create', { body: { policies: [role] } });
  return body(created).auth.client_token as string;
}

/** The parsed body of a raw JSON answer (rekey, in-flight-req). */
export const rawBody = (res: VaultResponse): Record<string, any> => JSON.parse(String(res.raw?.body)) as Record<string, any>;
