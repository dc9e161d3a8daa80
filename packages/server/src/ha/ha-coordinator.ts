import { randomUUID } from 'node:crypto';
import { VaultError } from '../errors.js';
import type { Clock, Logger } from '../framework/engine.js';
import { NO_ACTIVE_NODE, type StandbyRouter } from '../pipeline/stage-standby.js';
import type { VaultRequest, VaultResponse } from '../pipeline/vault-request.js';
import type { HaLock } from '../storage/storage-backend.js';
import type { HaHealth } from '../system/path-health.js';
import { FORWARDED_HEADER, forwardRequest } from './request-forwarder.js';

export interface HaCoordinatorOptions {
  readonly lock: HaLock;
  /** This node's `api_addr`: what standbys forward to and `sys/leader` reports. */
  readonly apiAddr: string;
  /** Runs when this node takes the lock: builds the caches from storage, starts background jobs. */
  becomeActive(): Promise<void>;
  /** Runs when this node loses or gives up the lock: stops jobs, drops the caches. */
  becomeStandby(): Promise<void>;
  readonly log: Logger;
  readonly clock: Clock;
  /** Unique per process by default, so a restarted node never mistakes its old lock for its own. */
  readonly nodeId?: string;
  /** After `sys/step-down`, how long before this node competes for the lock again. Default 10 s. */
  readonly stepDownBackoffMs?: number;
  /** Pause after a failed acquisition or activation. Default 2 s. */
  readonly retryMs?: number;
  /** How long a standby trusts its last look at the lock holder. Default 1 s. */
  readonly leaderCacheMs?: number;
  /** Replaces the HTTP proxy (tests). */
  readonly forward?: (req: VaultRequest, leader: string) => Promise<VaultResponse>;
}

type State = 'stopped' | 'standby' | 'activating' | 'active';
type Why = 'lost' | 'stop' | 'step-down';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * HA coordination (ARCHITECTURE.md, "HA"): while the node is unsealed it competes for the
 * backend's leader lock. Holding it, the node is active (`becomeActive`); losing it, giving it up
 * (`sys/step-down`) or sealing makes it a standby again (`becomeStandby`), which forwards
 * requests to whichever node holds the lock.
 *
 * INVARIANT: `becomeActive` runs only while this node holds the lock, and `becomeStandby` has
 * finished before the lock is released voluntarily, so two nodes are never active on purpose;
 * after an involuntary loss (`lost`) the node steps down at once.
 */
export class HaCoordinator implements StandbyRouter, HaHealth {
  readonly nodeId: string;
  private state: State = 'stopped';
  private activeSince: Date | undefined;
  private loop: Promise<void> | undefined;
  private stopper: AbortController | undefined;
  private stepper: AbortController | undefined;
  private cached: { at: number; address: string | undefined } | undefined;
  private lookup: Promise<string | undefined> | undefined;

  constructor(private readonly options: HaCoordinatorOptions) {
    this.nodeId = options.nodeId ?? randomUUID();
  }

  /** Starts competing for the lock (call once unsealed). Returns at once; idempotent. */
  start(): void {
    if (this.loop !== undefined) return;
    const stopper = new AbortController();
    this.stopper = stopper;
    this.state = 'standby';
    this.loop = this.run(stopper.signal).catch((err: unknown) => {
      this.options.log.error('ha: coordination stopped', { error: String(err) });
    });
  }

  /** Stops competing: steps down if active, releases the lock (call before sealing or exiting). */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (loop === undefined) return;
    this.stopper?.abort();
    await loop;
    this.loop = undefined;
    this.state = 'stopped';
  }

  /**
   * `sys/step-down`: gives up the active role and stays out of the election for a while. The
   * hand-over starts after the current turn, so the request asking for it can still complete.
   */
  stepDown(): void {
    if (this.state !== 'active') return;
    const stepper = this.stepper;
    setTimeout(() => stepper?.abort(), 0);
  }

  isActive(): boolean {
    return this.state === 'active';
  }

  isStandby(): boolean {
    return this.state === 'standby' || this.state === 'activating';
  }

  async leaderAddress(): Promise<string | undefined> {
    if (this.state === 'active') return this.options.apiAddr;
    const now = performance.now();
    if (this.cached !== undefined && now - this.cached.at < (this.options.leaderCacheMs ?? 1_000)) return this.cached.address;
    this.lookup ??= this.lookUpLeader().finally(() => (this.lookup = undefined));
    return this.lookup;
  }

  async forward(req: VaultRequest, leader: string): Promise<VaultResponse> {
    // A request another standby sent here on stale information: answering beats a loop.
    if (req.headers[FORWARDED_HEADER] !== undefined) throw new VaultError('unavailable', NO_ACTIVE_NODE);
    return this.options.forward ? this.options.forward(req, leader) : forwardRequest(leader, req);
  }

  /** `sys/leader`. */
  async leader(): Promise<{ isSelf: boolean; leaderAddress: string; activeTime: string }> {
    if (this.state === 'active') {
      return { isSelf: true, leaderAddress: this.options.apiAddr, activeTime: (this.activeSince ?? new Date(0)).toISOString() };
    }
    return { isSelf: false, leaderAddress: (await this.leaderAddress()) ?? '', activeTime: ZERO_TIME };
  }

  private async lookUpLeader(): Promise<string | undefined> {
    let address: string | undefined;
    try {
      const holder = await this.options.lock.leader();
      // Our own row while we are not active is stale (a crash before restart with the same
      // address, or activation in progress): not somewhere to send requests.
      if (holder !== undefined && holder.nodeId !== this.nodeId && holder.advertise !== this.options.apiAddr) {
        address = holder.advertise;
      }
    } catch (err) {
      this.options.log.warn('ha: cannot read the leader lock', { error: String(err) });
    }
    this.cached = { at: performance.now(), address };
    return address;
  }

  private async run(stop: AbortSignal): Promise<void> {
    const { lock, log } = this.options;
    const retryMs = this.options.retryMs ?? 2_000;
    while (!stop.aborted) {
      this.state = 'standby';
      let held: { lost: AbortSignal };
      try {
        held = await lock.acquire(this.nodeId, this.options.apiAddr, stop);
      } catch (err) {
        if (stop.aborted) break;
        log.warn('ha: cannot take part in leader election', { error: String(err) });
        await pause(retryMs, stop);
        continue;
      }
      this.state = 'activating';
      try {
        await this.options.becomeActive();
      } catch (err) {
        log.error('ha: could not become active; giving up the lock', { error: String(err) });
        await this.toStandby(true);
        await pause(retryMs, stop);
        continue;
      }
      const stepper = new AbortController();
      this.stepper = stepper;
      this.activeSince = new Date(this.options.clock.now());
      this.state = 'active';
      this.cached = undefined;
      log.info('ha: active node', { node_id: this.nodeId, api_addr: this.options.apiAddr });
      const why = await firstOf({ lost: held.lost, stop, 'step-down': stepper.signal });
      log.info('ha: leaving the active role', { reason: why });
      await this.toStandby(why !== 'lost');
      if (why === 'step-down') await pause(this.options.stepDownBackoffMs ?? 10_000, stop);
    }
    this.state = 'stopped';
  }

  /** Stops serving, then (unless the lock is already gone) releases it. */
  private async toStandby(release: boolean): Promise<void> {
    this.state = 'standby';
    this.activeSince = undefined;
    this.stepper = undefined;
    this.cached = undefined;
    await this.options.becomeStandby().catch((err: unknown) => this.options.log.error('ha: step-down failed', { error: String(err) }));
    if (release) await this.options.lock.release().catch(() => undefined);
  }
}

/** Resolves with the name of the first signal to abort. */
function firstOf(signals: Record<Why, AbortSignal>): Promise<Why> {
  const entries = Object.entries(signals) as [Why, AbortSignal][];
  const already = entries.find(([, signal]) => signal.aborted);
  if (already !== undefined) return Promise.resolve(already[0]);
  return new Promise((resolve) => {
    const listeners = entries.map(([why, signal]) => {
      const listener = () => {
        for (const [s, l] of listeners) s.removeEventListener('abort', l);
        resolve(why);
      };
      signal.addEventListener('abort', listener, { once: true });
      return [signal, listener] as const;
    });
  });
}

/** Waits `ms`, or less if `stop` aborts; never throws. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}
