import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { ChainRecord } from './chained-writer.js';
import type { DeviceSink } from './audit-device.js';

/** RFC 5424 facility codes, by Vault's `facility` option names. */
const FACILITIES: Record<string, number> = {
  KERN: 0, USER: 1, MAIL: 2, DAEMON: 3, AUTH: 4, SYSLOG: 5, LPR: 6, NEWS: 7, UUCP: 8, CRON: 9,
  AUTHPRIV: 10, FTP: 11, LOCAL0: 16, LOCAL1: 17, LOCAL2: 18, LOCAL3: 19, LOCAL4: 20, LOCAL5: 21,
  LOCAL6: 22, LOCAL7: 23,
};
const SEVERITY_INFO = 6;

export interface SyslogOptions {
  /** `unix` (a stream socket, e.g. rsyslog imptcp's `path`), `tcp` or `udp`. */
  readonly socketType: 'unix' | 'tcp' | 'udp';
  /** A socket path for `unix`, `host:port` otherwise. */
  readonly address: string;
  readonly facility: string;
  readonly tag: string;
  readonly writeTimeoutMs: number;
}

export function facilityCode(name: string): number | undefined {
  return FACILITIES[name.toUpperCase()];
}

/**
 * The `syslog` device's output: one RFC 5424 message per entry, the JSON line as MSG. Stream
 * transports use octet-counting framing (RFC 6587 §3.4.1), so an entry may hold any byte. A
 * batch resolves once the kernel has taken every message; a dead socket rejects it (fail closed).
 */
export class SyslogSink implements DeviceSink {
  private stream: Socket | undefined;
  private udp: UdpSocket | undefined;
  private readonly header: string;

  constructor(private readonly options: SyslogOptions) {
    const pri = (facilityCode(options.facility) ?? 4) * 8 + SEVERITY_INFO;
    this.header = `<${pri}>1 `;
  }

  async open(): Promise<Record<string, unknown>> {
    if (this.options.socketType === 'udp') {
      const { host, port } = hostPort(this.options.address);
      const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      udp.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.connect(port, host, () => (udp.off('error', reject), resolve()));
      });
      this.udp = udp;
    } else {
      await this.connectStream();
    }
    return {};
  }

  private message(line: string): string {
    const o = this.options;
    return `${this.header}${new Date().toISOString()} ${hostname() || '-'} ${o.tag} ${process.pid} audit - ${line}`;
  }

  async write(records: readonly ChainRecord[]): Promise<void> {
    if (this.options.socketType === 'udp') {
      const udp = this.udp;
      if (!udp) throw new Error('syslog socket is closed');
      for (const r of records) {
        await new Promise<void>((resolve, reject) => udp.send(this.message(r.line), (err) => (err ? reject(err) : resolve())));
      }
      return;
    }
    const stream = this.stream && !this.stream.destroyed ? this.stream : await this.connectStream();
    const frames = records.map((r) => {
      const msg = Buffer.from(this.message(r.line));
      return `${msg.length} ${msg.toString()}`;
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        stream.write(frames.join(''), (err) => (err ? reject(err) : resolve()));
      }),
      this.options.writeTimeoutMs,
      () => stream.destroy(),
    );
  }

  private async connectStream(): Promise<Socket> {
    const o = this.options;
    const socket =
      o.socketType === 'unix' ? connect({ path: o.address }) : connect({ ...hostPort(o.address), noDelay: true });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => (socket.off('error', reject), resolve()));
      }),
      o.writeTimeoutMs,
      () => socket.destroy(),
    );
    // A broken connection is noticed by the next write, which reconnects once and fails closed.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.stream === socket) this.stream = undefined;
    });
    this.stream = socket;
    return socket;
  }

  async close(): Promise<void> {
    const { stream, udp } = this;
    this.stream = undefined;
    this.udp = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
    udp?.close();
  }
}

function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`syslog address \`${address}\` must be host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`syslog write timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
