import { VaultError } from '../errors.js';

/** One audit entry, as the pipeline hands it over; devices format and HMAC it. */
export interface AuditEvent {
  readonly type: 'request' | 'response';
  readonly time: string;
  readonly requestId: string;
  readonly operation: string;
  readonly path: string;
  readonly remoteAddress: string;
  readonly mountType?: string;
  readonly accessor?: string;
  readonly policies?: readonly string[];
  readonly decision?: { allowed: boolean; policyIds: readonly string[]; errors: readonly string[] };
  readonly status?: number;
  readonly error?: string;
}

export interface AuditDevice {
  readonly name: string;
  log(event: AuditEvent): Promise<void>;
}

/**
 * Sends every event to every enabled device. With devices enabled, an event that no device
 * could record fails the request (fail closed, as Vault does); one device succeeding is enough.
 */
export class AuditBroker {
  private devices: AuditDevice[] = [];

  get enabled(): boolean {
    return this.devices.length > 0;
  }

  setDevices(devices: AuditDevice[]): void {
    this.devices = devices;
  }

  async log(event: AuditEvent): Promise<void> {
    if (this.devices.length === 0) return;
    const results = await Promise.allSettled(this.devices.map((d) => d.log(event)));
    if (!results.some((r) => r.status === 'fulfilled')) {
      throw new VaultError('internal', 'no audit device could record the request');
    }
  }
}
