import { VaultError, invalidRequest } from '../errors.js';

/**
 * Turns a request body into the object the pipeline receives, as Vault does: JSON when the body
 * starts (after whitespace) with `{` or `[`, otherwise `application/x-www-form-urlencoded`
 * whatever the Content-Type says (spec §0 trap 15); an empty body is `{}`.
 */

/** Deeper JSON is refused before `JSON.parse` runs, so hostile input cannot exhaust the stack. */
export const MAX_JSON_DEPTH = 512;

export function parseBody(buf: Buffer | undefined): Record<string, unknown> {
  if (buf === undefined || buf.length === 0) return {};
  const text = buf.toString('utf8');
  const start = firstNonSpace(text);
  if (start === -1) return {};
  const c = text.charCodeAt(start);
  return c === 0x7b /* { */ || c === 0x5b /* [ */ ? parseJsonObject(text, start) : parseForm(text);
}

function parseJsonObject(text: string, start: number): Record<string, unknown> {
  // Fewer characters than the limit cannot nest deeper than it: skip the scan for small bodies.
  if (text.length - start > MAX_JSON_DEPTH) checkDepth(text, start);
  let value: unknown;
  try {
    // The reviver costs a call per value, so it only runs when a dangerous key could be present
    // (`__proto__`, `constructor.prototype`, or either spelled with \u escapes).
    value = text.includes('proto') || text.includes('\\u') ? JSON.parse(text, dropPrototypeKeys) : JSON.parse(text);
  } catch (err) {
    throw jsonError(err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('failed to parse JSON input: the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Scans the text iteratively, skipping strings (and escapes inside them), and fails as soon as
 * the nesting passes MAX_JSON_DEPTH. Malformed input is left for JSON.parse to report.
 */
function checkDepth(text: string, start: number): void {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw invalidRequest(`failed to parse JSON input: nesting exceeds the maximum depth of ${MAX_JSON_DEPTH}`);
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
}

/** JSON.parse messages quote the input, which may hold a secret: keep only the position. */
function jsonError(err: unknown): VaultError {
  const message = err instanceof Error ? err.message : '';
  const position = /position (\d+)/.exec(message);
  const detail = position
    ? `invalid character at position ${position[1]}`
    : /end of (JSON )?input/i.test(message)
      ? 'unexpected end of JSON input'
      : 'invalid JSON';
  return invalidRequest(`failed to parse JSON input: ${detail}`);
}

function dropPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype')) {
    return undefined;
  }
  return value;
}

/**
 * Form bodies and query strings: a key given several times becomes its values joined with `,`,
 * as Vault does ("almost anywhere taking a string list accepts comma-separated values").
 * `__proto__` keys are dropped.
 */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '__proto__') continue;
    // hasOwn, not `out[key]`: `constructor` or `toString` would find Object.prototype's.
    out[key] = Object.hasOwn(out, key) ? `${out[key]},${value}` : value;
  }
  return out;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}
