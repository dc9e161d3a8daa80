import pino from 'pino';
import type { Logger } from './framework/engine.js';

/**
 * The server's structured logger (JSON lines on stderr). Nothing secret is ever passed to it:
 * callers log paths, request ids and accessors, never tokens or values.
 */
export function createLogger(level: 'debug' | 'info' | 'warn' | 'error'): Logger {
  const log = pino({ level, base: undefined }, pino.destination({ dest: 2, sync: false }));
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
  };
}
