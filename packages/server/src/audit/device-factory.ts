import { invalidRequest } from '../errors.js';
import { ChainedDevice, type DeviceSink } from './audit-device.js';
import { DatabaseSink } from './database-sink.js';
import { FileSink } from './file-sink.js';
import { facilityCode, SyslogSink } from './syslog-sink.js';

export const DEVICE_TYPES = ['file', 'syslog', 'database'] as const;

/** Where a device's settings come from: `sys/audit/:name` or the server config's `[[audit]]`. */
export type DeviceOrigin = 'api' | 'config';

/**
 * Builds a device from its type and Vault-style string options, refusing bad ones with 400.
 * Options common to all types: `hmac_accessor` (default true), `log_raw`, `format` (json only).
 *
 * CVE-2025-6000: a device enabled through the API could make the server write an executable
 * file. API-enabled devices therefore refuse `prefix` and any `mode` beyond read/write bits.
 */
export function createDevice(
  name: string,
  type: string,
  options: Readonly<Record<string, string>>,
  origin: DeviceOrigin,
  now: () => number,
): ChainedDevice {
  const format = options['format'] ?? 'json';
  if (format !== 'json') throw invalidRequest(`unsupported audit \`format\` \`${format}\`: only \`json\``);
  if (options['prefix'] !== undefined && options['prefix'] !== '') {
    throw invalidRequest(
      origin === 'api'
        ? '`prefix` cannot be set on an audit device enabled through the API'
        : '`prefix` is not supported: it would break the entries’ hash chain',
    );
  }
  const formatOptions = {
    hmacAccessor: bool(options, 'hmac_accessor', true),
    logRaw: bool(options, 'log_raw', false),
  };
  const checkpoint = {
    ...(options['checkpoint_entries'] !== undefined && { every: positiveInt(options, 'checkpoint_entries') }),
  };
  return new ChainedDevice(name, type, sink(type, name, options, origin), formatOptions, now, checkpoint);
}

function sink(type: string, name: string, options: Readonly<Record<string, string>>, origin: DeviceOrigin): DeviceSink {
  switch (type) {
    case 'file': {
      const path = options['file_path'] ?? options['path'];
      if (!path) throw invalidRequest('missing required option `file_path`');
      const mode = parseMode(options['mode'] ?? '0600');
      if (origin === 'api' && (mode & 0o111) !== 0) {
        throw invalidRequest('audit file `mode` cannot have executable bits when enabled through the API');
      }
      if (path !== 'stdout' && path !== 'discard' && !path.startsWith('/')) {
        throw invalidRequest('`file_path` must be absolute, `stdout` or `discard`');
      }
      return new FileSink(path, mode, bool(options, 'fsync', true));
    }
    case 'syslog': {
      const socketType = options['socket_type'] ?? 'unix';
      if (socketType !== 'unix' && socketType !== 'tcp' && socketType !== 'udp') {
        throw invalidRequest('`socket_type` must be `unix`, `tcp` or `udp`');
      }
      const address = options['address'];
      if (!address) throw invalidRequest('missing required option `address`');
      const facility = options['facility'] ?? 'AUTH';
      if (facilityCode(facility) === undefined) throw invalidRequest(`unknown syslog \`facility\` \`${facility}\``);
      return new SyslogSink({
        socketType,
        address,
        facility,
        tag: options['tag'] ?? 'secretum',
        writeTimeoutMs: options['write_timeout'] !== undefined ? positiveInt(options, 'write_timeout') * 1000 : 2000,
      });
    }
    case 'database': {
      const url = options['connection_url'];
      if (!url) throw invalidRequest('missing required option `connection_url`');
      try {
        return new DatabaseSink(url, name, options['table'] ?? 'audit_log');
      } catch (err) {
        throw invalidRequest((err as Error).message);
      }
    }
    default:
      throw invalidRequest(`unknown audit device type \`${type}\`; expected one of ${DEVICE_TYPES.join(', ')}`);
  }
}

function parseMode(text: string): number {
  if (!/^0?[0-7]{3,4}$/.test(text)) throw invalidRequest(`audit file \`mode\` \`${text}\` is not an octal mode`);
  const mode = parseInt(text, 8);
  if (mode > 0o777) throw invalidRequest('audit file `mode` cannot set setuid, setgid or sticky bits');
  return mode;
}

function bool(options: Readonly<Record<string, string>>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined || v === '') return fallback;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw invalidRequest(`audit option \`${key}\` must be a boolean`);
}

function positiveInt(options: Readonly<Record<string, string>>, key: string): number {
  const n = Number(options[key]);
  if (!Number.isInteger(n) || n <= 0) throw invalidRequest(`audit option \`${key}\` must be a positive integer`);
  return n;
}
