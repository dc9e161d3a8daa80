import { VaultApiError } from './errors.js';
import type {
  EnableAuthRequest,
  EnableMountRequest,
  HealthParams,
  HealthResponse,
  InitRequest,
  InitResponse,
  InitStatus,
  KeyStatus,
  LeaderResponse,
  MountTable,
  MountTune,
  SealStatus,
  TuneMountRequest,
  UnsealRequest,
} from './sys-types.js';
import { requireBody as required, type Requester } from './transport.js';

/**
 * The `sys/*` lifecycle and mount endpoints. Init, seal-status, unseal, leader and health answer
 * raw JSON, not the envelope (spec §0 trap 7); mount listings put the table in `data` and at the
 * top level (trap 6), and these methods return the table.
 */
export class SysClient {
  constructor(private readonly client: Requester) {}

  async initStatus(): Promise<InitStatus> {
    return required(await this.client.request<InitStatus>('GET', 'sys/init'), 'sys/init');
  }

  async init(request: InitRequest): Promise<InitResponse> {
    return required(await this.client.request<InitResponse>('PUT', 'sys/init', { body: request }), 'sys/init');
  }

  /** One key share, or `{ reset: true }` to discard the shares given so far. */
  async unseal(request: UnsealRequest): Promise<SealStatus> {
    const body = typeof request === 'string' ? { key: request } : request;
    return required(await this.client.request<SealStatus>('PUT', 'sys/unseal', { body }), 'sys/unseal');
  }

  async seal(): Promise<void> {
    await this.client.request('PUT', 'sys/seal');
  }

  async sealStatus(): Promise<SealStatus> {
    return required(await this.client.request<SealStatus>('GET', 'sys/seal-status'), 'sys/seal-status');
  }

  /** Returns the health body whatever the status code (sealed, standby, uninitialised…). */
  async health(params: HealthParams = {}): Promise<HealthResponse> {
    try {
      return required(await this.client.request<HealthResponse>('GET', 'sys/health', { query: { ...params } }), 'sys/health');
    } catch (err) {
      if (err instanceof VaultApiError && isHealthBody(err.body)) return err.body;
      throw err;
    }
  }

  async leader(): Promise<LeaderResponse> {
    return required(await this.client.request<LeaderResponse>('GET', 'sys/leader'), 'sys/leader');
  }

  /** Rotates the barrier encryption key. */
  async rotate(): Promise<void> {
    await this.client.request('PUT', 'sys/rotate');
  }

  async keyStatus(): Promise<KeyStatus> {
    return unwrapData(await this.client.request<EnvelopeOr<KeyStatus>>('GET', 'sys/key-status'), 'sys/key-status');
  }

  async mounts(): Promise<MountTable> {
    return unwrapData(await this.client.request<EnvelopeOr<MountTable>>('GET', 'sys/mounts'), 'sys/mounts');
  }

  async enableMount(path: string, request: EnableMountRequest): Promise<void> {
    await this.client.request('POST', `sys/mounts/${path}`, { body: request });
  }

  async disableMount(path: string): Promise<void> {
    await this.client.request('DELETE', `sys/mounts/${path}`);
  }

  async readMountTune(path: string): Promise<MountTune> {
    return unwrapData(await this.client.request<EnvelopeOr<MountTune>>('GET', `sys/mounts/${path}/tune`), 'sys/mounts/tune');
  }

  async tuneMount(path: string, request: TuneMountRequest): Promise<void> {
    await this.client.request('POST', `sys/mounts/${path}/tune`, { body: request });
  }

  async auths(): Promise<MountTable> {
    return unwrapData(await this.client.request<EnvelopeOr<MountTable>>('GET', 'sys/auth'), 'sys/auth');
  }

  async enableAuth(path: string, request: EnableAuthRequest): Promise<void> {
    await this.client.request('POST', `sys/auth/${path}`, { body: request });
  }

  async disableAuth(path: string): Promise<void> {
    await this.client.request('DELETE', `sys/auth/${path}`);
  }
}

type EnvelopeOr<T> = T & { data?: T };

/** Prefers `data` (the envelope) and falls back to the top-level copy. */
function unwrapData<T>(value: EnvelopeOr<T> | undefined, path: string): T {
  const body = required(value, path);
  return body.data ?? body;
}

function isHealthBody(body: unknown): body is HealthResponse {
  return typeof body === 'object' && body !== null && 'initialized' in body && !('errors' in body);
}
