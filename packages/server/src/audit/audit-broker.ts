import { invalidRequest, notFound, VaultError } from '../errors.js';
import type { Clock, Logger } from '../framework/engine.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AuditDevice, AuditQuery, AuditQueryPage } from './audit-device.js';
import type { AuditEvent } from './audit-event.js';
import { ChainedDevice } from './audit-device.js';
import { createDevice, type DeviceOrigin } from './device-factory.js';
import { deleteDeviceKeys, loadDeviceKeys } from './device-keys.js';

export type { AuditAuth, AuditEvent } from './audit-event.js';
export type { AuditDevice } from './audit-device.js';

/** A device as `sys/audit` lists it (spec §2.5). */
export interface AuditDeviceEntry {
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly options: Record<string, string>;
  readonly local: boolean;
}

interface Enabled {
  readonly entry: AuditDeviceEntry;
  readonly device: ChainedDevice;
  readonly origin: DeviceOrigin;
}

const TABLE_KEY = 'devices';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Sends every event to every enabled device and fails closed: with devices enabled, an event
 * no device could record fails the request; one device succeeding is enough (spec §2.5).
 *
 * It also keeps the device table: devices enabled through `sys/audit` are stored in the
 * barrier view given at unseal (with each device's salt and signing key); devices declared in
 * the server config open at start. Devices stay open while sealed and record sealed-state
 * requests with metadata only, since their salts went with the barrier.
 */
export class AuditBroker {
  private readonly enabledDevices = new Map<string, Enabled>();
  private extra: AuditDevice[] = [];
  private all: AuditDevice[] = [];
  private view: StorageView | undefined;
  private clock: Clock = { now: () => Date.now() };
  private log_: Logger | undefined;

  get enabled(): boolean {
    return this.all.length > 0;
  }

  /** Devices managed outside the table (tests, embedders); replaces the previous ones. */
  setDevices(devices: AuditDevice[]): void {
    this.extra = devices;
    this.refresh();
  }

  /** Opens the devices the server config declares (`[[audit]]` tables), before any unseal. */
  async start(config: readonly Record<string, unknown>[], deps: { clock?: Clock; log?: Logger } = {}): Promise<void> {
    if (deps.clock) this.clock = deps.clock;
    if (deps.log) this.log_ = deps.log;
    for (const raw of config) {
      const { name, entry } = configEntry(raw);
      if (this.enabledDevices.has(name)) throw invalidRequest(`audit device \`${name}\` is declared twice`);
      const device = createDevice(name, entry.type, entry.options, 'config', () => this.clock.now());
      await device.open();
      this.enabledDevices.set(name, { entry, device, origin: 'config' });
    }
    this.refresh();
  }

  /** On unseal: keys for every device, and the devices enabled through `sys/audit` opened. */
  async unseal(view: StorageView): Promise<void> {
    this.view = view;
    const table = (await view.getJson<AuditDeviceEntry[]>(TABLE_KEY)) ?? [];
    for (const entry of table) {
      const name = entry.path.replace(/\/$/, '');
      if (this.enabledDevices.has(name)) continue;
      try {
        const device = createDevice(name, entry.type, entry.options, 'api', () => this.clock.now());
        device.setKeys(await loadDeviceKeys(view, name));
        await device.open();
        this.enabledDevices.set(name, { entry, device, origin: 'api' });
      } catch (err) {
        // Fail closed rather than run unaudited: a device that cannot open counts as failing.
        this.log_?.error('audit device failed to open', { device: name, error: String(err) });
        throw err;
      }
    }
    for (const [name, e] of this.enabledDevices) e.device.setKeys(await loadDeviceKeys(view, name));
    this.refresh();
  }

  /** On seal: a signed checkpoint on each device, then salts and keys are dropped. */
  async seal(): Promise<void> {
    await Promise.allSettled([...this.enabledDevices.values()].map((e) => e.device.checkpoint()));
    for (const e of this.enabledDevices.values()) e.device.setKeys(undefined);
    this.view = undefined;
  }

  /** Reopens every file (SIGHUP, for log rotation). */
  async reopen(): Promise<void> {
    const results = await Promise.allSettled([...this.enabledDevices.values()].map((e) => e.device.reopen()));
    for (const r of results) if (r.status === 'rejected') this.log_?.error('audit device reopen failed', { error: String(r.reason) });
  }

  /** On shutdown: a closing checkpoint on each device, then their outputs closed. */
  async close(): Promise<void> {
    const devices = [...this.enabledDevices.values()];
    this.enabledDevices.clear();
    this.refresh();
    await Promise.allSettled(devices.map((e) => e.device.close()));
  }

  /** Called with the number of devices that failed to record an event (metrics). */
  onDeviceFailure?: (failed: number) => void;

  async log(event: AuditEvent): Promise<void> {
    const devices = this.all;
    if (devices.length === 0) return;
    if (devices.length === 1) {
      // The common case, without allSettled's bookkeeping on every entry.
      try {
        return await devices[0]!.log(event);
      } catch (err) {
        this.refuse([err]);
      }
    }
    const results = await Promise.allSettled(devices.map((d) => d.log(event)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (failures.length === results.length) this.refuse(failures);
    if (failures.length > 0) this.onDeviceFailure?.(failures.length);
  }

  /** No device recorded the event: logs why and refuses the request (fail closed). */
  private refuse(reasons: unknown[]): never {
    this.onDeviceFailure?.(reasons.length);
    for (const reason of reasons) this.log_?.error('audit device failed', { error: String(reason) });
    throw new VaultError('internal', 'no audit device could record the request');
  }

  list(): Record<string, AuditDeviceEntry> {
    return Object.fromEntries([...this.enabledDevices.values()].map((e) => [e.entry.path, e.entry]));
  }

  /**
   * `PUT sys/audit/:name`: builds the device, writes its open checkpoint as the test entry
   * (400 if that fails, unless `skip_test`), then stores it in the table.
   */
  async enable(name: string, req: { type: string; description?: string; options?: Record<string, string>; local?: boolean }): Promise<void> {
    const view = this.unsealedView();
    if (!NAME.test(name)) throw invalidRequest(`invalid audit device path \`${name}\``);
    if (this.enabledDevices.has(name)) throw invalidRequest(`path \`${name}/\` already in use`);
    const options = { ...(req.options ?? {}) };
    const skipTest = /^(true|1)$/i.test(options['skip_test'] ?? '');
    delete options['skip_test'];
    const device = createDevice(name, req.type, options, 'api', () => this.clock.now());
    device.setKeys(await loadDeviceKeys(view, name));
    try {
      await device.open();
    } catch (err) {
      if (!skipTest) {
        await device.close().catch(() => {});
        await deleteDeviceKeys(view, name);
        throw invalidRequest(`audit device \`${name}\` failed its test write: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    }
    const entry: AuditDeviceEntry = { path: `${name}/`, type: req.type, description: req.description ?? '', options, local: req.local ?? false };
    this.enabledDevices.set(name, { entry, device, origin: 'api' });
    this.refresh();
    await this.saveTable(view);
  }

  /** `DELETE sys/audit/:name`: closes it and deletes its salt (old HMACs can't be recomputed). */
  async disable(name: string): Promise<void> {
    const view = this.unsealedView();
    const e = this.enabledDevices.get(name);
    if (!e) return;
    if (e.origin === 'config') throw invalidRequest(`audit device \`${name}\` is declared in the server config`);
    this.enabledDevices.delete(name);
    this.refresh();
    await this.saveTable(view);
    await deleteDeviceKeys(view, name);
    await e.device.close().catch((err: unknown) => this.log_?.warn('audit device close failed', { device: name, error: String(err) }));
  }

  /** `sys/audit-hash/:name`. */
  hash(name: string, input: string): string {
    this.unsealedView();
    return this.get(name).device.hash(input);
  }

  /** `sys/audit/:name/public-key`: the SPKI PEM that verifies the device's checkpoints. */
  publicKey(name: string): string {
    this.unsealedView();
    return this.get(name).device.publicKeyPem!;
  }

  /** `sys/audit/:name/query`: access history from a database device. */
  query(name: string, q: AuditQuery): Promise<AuditQueryPage> {
    const device = this.get(name).device;
    if (!device.queryable) throw invalidRequest(`audit device \`${name}\` is not a database device`);
    return device.query(q);
  }

  private get(name: string): Enabled {
    const e = this.enabledDevices.get(name);
    if (!e) throw notFound(`no audit device at \`${name}/\``);
    return e;
  }

  private unsealedView(): StorageView {
    if (!this.view) throw new VaultError('sealed', 'Vault is sealed');
    return this.view;
  }

  private async saveTable(view: StorageView): Promise<void> {
    const table = [...this.enabledDevices.values()].filter((e) => e.origin === 'api').map((e) => e.entry);
    await view.putJson(TABLE_KEY, table);
  }

  private refresh(): void {
    this.all = [...[...this.enabledDevices.values()].map((e) => e.device), ...this.extra];
  }
}

/**
 * A `[[audit]]` table: `type`, an optional `name` (default: the type), `description`, `options`,
 * and any other keys as options; `path` on a file device is its file (ARCHITECTURE.md's example).
 */
function configEntry(raw: Record<string, unknown>): { name: string; entry: AuditDeviceEntry } {
  const type = raw['type'];
  if (typeof type !== 'string') throw invalidRequest('`[[audit]]` needs a `type`');
  const options: Record<string, string> = {};
  const nested = raw['options'];
  if (nested && typeof nested === 'object') for (const [k, v] of Object.entries(nested)) options[k] = String(v);
  for (const [k, v] of Object.entries(raw)) {
    if (['type', 'name', 'description', 'options', 'local', 'path'].includes(k)) continue;
    options[k] = String(v);
  }
  const path = typeof raw['path'] === 'string' ? raw['path'] : undefined;
  if (type === 'file' && path?.startsWith('/') && options['file_path'] === undefined) options['file_path'] = path;
  const name = typeof raw['name'] === 'string' ? raw['name'] : path && !path.startsWith('/') ? path.replace(/\/$/, '') : type;
  if (!NAME.test(name)) throw invalidRequest(`invalid audit device name \`${name}\` in \`[[audit]]\``);
  const entry: AuditDeviceEntry = {
    path: `${name}/`,
    type,
    description: typeof raw['description'] === 'string' ? raw['description'] : '',
    options,
    local: raw['local'] === true,
  };
  return { name, entry };
}
