import type { HttpOperation, InternalPipeline, VaultRequest, VaultResponse } from '../pipeline/vault-request.js';

/** One entry of `sys/in-flight-req`, as Vault names its fields. */
export interface InFlightEntry {
  start_time: string;
  client_remote_address: string;
  request_path: string;
  request_method: string;
  client_id: string;
}

/**
 * The HTTP method each logical operation arrives as. `update` stands for both PUT and POST,
 * which Vault treats as one (spec §0 trap 1); the pipeline does not keep which one it was.
 */
const METHOD: Readonly<Record<HttpOperation, string>> = {
  read: 'GET',
  list: 'LIST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};

/**
 * The client requests currently inside the pipeline (`sys/in-flight-req`,
 * https://developer.hashicorp.com/vault/api-docs/system/in-flight-req), keyed by request id.
 * Tracking costs one Map insert and delete per request; entries are formatted only when read.
 * The server's own jobs (`handleAs`) are not client requests and are not tracked, as in Vault.
 */
export class InFlightRequests {
  private readonly live = new Map<string, { req: VaultRequest; started: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The same pipeline, with every `handle` call recorded while it runs. */
  track(pipeline: InternalPipeline): InternalPipeline {
    return {
      // Not an async function: its extra promise and hops cost ≈ 1 µs of every request.
      handle: (req) => {
        this.live.set(req.id, { req, started: this.now() });
        const done = (): void => void this.live.delete(req.id);
        let pending: Promise<VaultResponse>;
        try {
          pending = pipeline.handle(req);
        } catch (err) {
          done();
          throw err;
        }
        pending.then(done, done);
        return pending;
      },
      handleAs: (req, auth) => pipeline.handleAs(req, auth),
    };
  }

  /** Every request in flight, the caller's own included. */
  snapshot(): Record<string, InFlightEntry> {
    const out: Record<string, InFlightEntry> = {};
    for (const [id, { req, started }] of this.live) {
      out[id] = {
        start_time: new Date(started).toISOString(),
        client_remote_address: req.remoteAddress,
        request_path: `/v1/${req.rawPath}`,
        request_method: METHOD[req.operation],
        // Vault fills this in only once the token is resolved; the pipeline keeps that to itself.
        client_id: '',
      };
    }
    return out;
  }
}
