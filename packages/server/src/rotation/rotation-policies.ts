import { randomBytes, randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { ConfigError } from '../config/server-config.js';
import type { Clock, Logger, RequestAuth } from '../framework/engine.js';
import { parseDuration } from '../framework/duration.js';
import type { InternalPipeline } from '../pipeline/vault-request.js';

/**
 * `[[rotation_policies]]` of the server's TOML (ARCHITECTURE.md, "Leases and rotation"): a KV v2
 * secret rotated on a cron schedule and/or when its latest version is older than `max_age`.
 * Rotating writes a new random value as a new version (the platform's secrets model: one value
 * under `value`), so the old one stays readable for rollback.
 */
export interface RotationPolicy {
  /** The secret's name with its mount, as Cedar names it: `secret/database/prod/password`. */
  path: string;
  schedule?: string;
  /** Seconds. */
  maxAge?: number;
}

/** Validates the raw TOML tables; a bad entry names the key and what was expected. */
export function parseRotationPolicies(raw: readonly Record<string, unknown>[], file = 'config'): RotationPolicy[] {
  return raw.map((entry, i) => {
    const key = (k: string) => `rotation_policies[${i}].${k}`;
    const path = entry['path'];
    if (typeof path !== 'string' || !/^[^/]+\/[^/](?:.*[^/])?$/.test(path)) {
      throw new ConfigError(file, key('path'), 'a secret path with its mount, e.g. "secret/database/prod/password"');
    }
    const schedule = entry['schedule'];
    if (schedule !== undefined) {
      if (typeof schedule !== 'string') throw new ConfigError(file, key('schedule'), 'a cron expression');
      try {
        new Cron(schedule, { paused: true, timezone: 'UTC' }).stop();
      } catch {
        throw new ConfigError(file, key('schedule'), 'a valid cron expression, e.g. "0 0 * * 0"');
      }
    }
    const maxAgeRaw = entry['max_age'];
    const maxAge = typeof maxAgeRaw === 'string' || typeof maxAgeRaw === 'number' ? parseDuration(maxAgeRaw) : undefined;
    if (maxAgeRaw !== undefined && (maxAge === undefined || maxAge <= 0)) {
      throw new ConfigError(file, key('max_age'), 'a positive duration, e.g. "30d"');
    }
    if (schedule === undefined && maxAge === undefined) {
      throw new ConfigError(file, key('schedule'), 'a schedule, a max_age, or both');
    }
    return { path, ...(schedule !== undefined && { schedule }), ...(maxAge !== undefined && { maxAge }) };
  });
}

/** The identity rotation jobs act as: audited under this name, allowed like root. */
const ROTATION_AUTH: RequestAuth = {
  clientToken: '',
  accessor: 'rotation-scheduler',
  tokenHash: '',
  policies: ['root'],
  displayName: 'rotation-scheduler',
  entityId: '',
  metadata: {},
  principal: { type: 'Service', id: 'secretum-rotation' },
  isRoot: true,
  expireTime: 0,
};

/**
 * Runs the rotation policies on the active node: cron timers for schedules, and a check of each
 * secret's age once a minute for `max_age`. Every rotation goes through the pipeline (audited).
 */
export class RotationScheduler {
  private crons: Cron[] = [];
  private ageTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly policies: readonly RotationPolicy[],
    private readonly pipeline: InternalPipeline,
    /** The KV mount serving a secret's path: `secret/` for `secret/database/prod/password`. */
    private readonly mountOf: (path: string) => string | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly ageCheckMs = 60_000,
  ) {}

  start(): void {
    this.stop();
    for (const policy of this.policies) {
      if (policy.schedule) {
        this.crons.push(new Cron(policy.schedule, { timezone: 'UTC', protect: true }, () => void this.rotate(policy.path)));
      }
    }
    if (this.policies.some((p) => p.maxAge !== undefined)) {
      this.ageTimer = setInterval(() => void this.rotateAged(), this.ageCheckMs);
      this.ageTimer.unref();
    }
  }

  stop(): void {
    for (const c of this.crons) c.stop();
    this.crons = [];
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = undefined;
  }

  /** Rotates every secret whose latest version is older than its policy's max_age. */
  async rotateAged(): Promise<void> {
    for (const policy of this.policies) {
      if (policy.maxAge === undefined) continue;
      const apiPath = this.kvPath(policy.path, 'metadata');
      if (!apiPath) continue;
      const meta = await this.call('read', apiPath);
      const updated = meta.status === 200 ? Date.parse(String((meta.body as { data?: { updated_time?: string } }).data?.updated_time)) : NaN;
      if (Number.isNaN(updated) || this.clock.now() - updated >= policy.maxAge * 1000) await this.rotate(policy.path);
    }
  }

  /** Writes a new random value as a new version of the secret. */
  async rotate(path: string): Promise<boolean> {
    if (this.inFlight.has(path)) return false;
    this.inFlight.add(path);
    try {
      const apiPath = this.kvPath(path, 'data');
      if (!apiPath) {
        this.log.warn('rotation policy names no mounted secrets engine', { path });
        return false;
      }
      const value = randomBytes(24).toString('base64url');
      const res = await this.call('update', apiPath, { data: { value } });
      if (res.status !== 200) {
        this.log.warn('rotation policy failed', { path, status: res.status });
        return false;
      }
      this.log.info('rotated secret', { path });
      return true;
    } finally {
      this.inFlight.delete(path);
    }
  }

  /** `secret/database/prod/password` ⇒ `secret/data/database/prod/password` (KV v2 API path). */
  private kvPath(path: string, segment: 'data' | 'metadata'): string | undefined {
    const mount = this.mountOf(path);
    return mount === undefined ? undefined : `${mount}${segment}/${path.slice(mount.length)}`;
  }

  private call(operation: 'read' | 'update', rawPath: string, body: Record<string, unknown> = {}) {
    return this.pipeline.handleAs(
      { id: randomUUID(), operation, rawPath, query: {}, body, remoteAddress: '127.0.0.1', headers: {}, help: false },
      ROTATION_AUTH,
    );
  }
}

