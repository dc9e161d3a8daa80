import { NotFoundError } from './errors.js';
import { encodePath, requireBody, type Requester } from './transport.js';
import type { ListData, VaultResponse } from './types.js';

/** `sys/leases/lookup`'s data. */
export interface LeaseLookup {
  id: string;
  issue_time: string;
  expire_time: string;
  last_renewal: string | null;
  renewable: boolean;
  ttl: number;
  path?: string;
}

/** A renewed lease, as Vault answers `sys/leases/renew` (the lease fields of the envelope). */
export interface RenewedLease {
  lease_id: string;
  lease_duration: number;
  renewable: boolean;
}

/** The `sys/leases/*` endpoints: look up, renew and revoke dynamic-secret leases. */
export class LeaseClient {
  constructor(private readonly client: Requester) {}

  async lookup(leaseId: string): Promise<LeaseLookup> {
    const body = await this.client.request<VaultResponse<LeaseLookup>>('PUT', 'sys/leases/lookup', { body: { lease_id: leaseId } });
    return requireBody(body, 'sys/leases/lookup').data;
  }

  /** Lease ids (or folders ending in `/`) one level below `prefix`; `[]` when there are none. */
  async list(prefix: string): Promise<string[]> {
    try {
      const body = await this.client.request<VaultResponse<ListData>>('LIST', `sys/leases/lookup/${encodePath(prefix)}`);
      return body?.data?.keys ?? [];
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
  }

  /** Renews by `increment` seconds (0 = the lease's own TTL), within its max TTL. */
  async renew(leaseId: string, increment = 0): Promise<RenewedLease> {
    const body = await this.client.request<VaultResponse<null>>('PUT', 'sys/leases/renew', {
      body: { lease_id: leaseId, ...(increment > 0 && { increment }) },
    });
    const res = requireBody(body, 'sys/leases/renew');
    return { lease_id: res.lease_id, lease_duration: res.lease_duration, renewable: res.renewable };
  }

  async revoke(leaseId: string): Promise<void> {
    await this.client.request('PUT', 'sys/leases/revoke', { body: { lease_id: leaseId } });
  }

  /** Revokes every lease under `prefix` (e.g. all credentials of one role). */
  async revokePrefix(prefix: string): Promise<void> {
    await this.client.request('PUT', `sys/leases/revoke-prefix/${encodePath(prefix)}`);
  }
}
