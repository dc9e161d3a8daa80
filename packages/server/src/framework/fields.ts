import { invalidRequest } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * Field declarations: every request field an engine reads is declared with its type, so the
 * framework validates input (400 on a bad value) before any handler runs, and handlers read
 * typed values without casts.
 *
 * INVARIANT: JSON `null` means "not given" (hvac sends `null` for every unset option).
 */
export type FieldType =
  | 'string'
  | 'int'
  | 'bool'
  | 'duration' // seconds: accepts 30, "30", "30s", "1h30m"
  | 'strings' // accepts ["a","b"] or "a,b"
  | 'ints' // accepts [1,2] or "1,2"
  | 'map' // a JSON object with any values
  | 'kvpairs' // a JSON object of string values
  | 'any';

export interface FieldSpec {
  readonly type: FieldType;
  readonly description: string;
  readonly required?: boolean;
  readonly default?: unknown;
  /** HMAC'd in audit entries, never logged. */
  readonly sensitive?: boolean;
  /** Accepted values, for enumerations. */
  readonly allowed?: readonly string[];
}

export type Fields = Record<string, FieldSpec>;

type TypeOf<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'int' | 'duration'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'strings'
        ? string[]
        : T extends 'ints'
          ? number[]
          : T extends 'map'
            ? Record<string, unknown>
            : T extends 'kvpairs'
              ? Record<string, string>
              : unknown;

/** The typed values a handler receives: required or defaulted fields are always present. */
export type FieldValues<F extends Fields> = {
  -readonly [K in keyof F]: F[K] extends { required: true } | { default: unknown }
    ? TypeOf<F[K]['type']>
    : TypeOf<F[K]['type']> | undefined;
};

/** Validates and converts `input` against `fields`. Unknown input keys are ignored, as in Vault. */
export function parseFields<F extends Fields>(fields: F, input: Record<string, unknown>): FieldValues<F> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const raw = input[name];
    if (raw === undefined || raw === null) {
      // Objects and arrays are copied so no handler can change the declared default; strings,
      // numbers and booleans are immutable (structuredClone cost ~1 µs a field on every request).
      if (spec.default !== undefined) out[name] = typeof spec.default === 'object' ? structuredClone(spec.default) : spec.default;
      else if (spec.required) throw invalidRequest(`missing required field \`${name}\``);
      continue;
    }
    const value = convert(name, spec.type, raw);
    if (spec.allowed && !spec.allowed.includes(String(value))) {
      throw invalidRequest(`field \`${name}\` must be one of: ${spec.allowed.join(', ')}`);
    }
    out[name] = value;
  }
  return out as FieldValues<F>;
}

function convert(name: string, type: FieldType, raw: unknown): unknown {
  const bad = (): never => {
    throw invalidRequest(`field \`${name}\` has an invalid value: expected ${describe(type)}`);
  };
  switch (type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return bad();
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      return Number.isSafeInteger(n) ? n : bad();
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const parsed = parseBool(raw);
        return parsed === undefined ? bad() : parsed;
      }
      if (raw === 1 || raw === 0) return raw === 1;
      return bad();
    case 'duration': {
      const seconds = typeof raw === 'number' || typeof raw === 'string' ? parseDuration(raw) : undefined;
      return seconds === undefined || seconds < 0 ? bad() : seconds;
    }
    case 'strings':
      if (typeof raw === 'string') return raw === '' ? [] : raw.split(',').map((s) => s.trim());
      if (Array.isArray(raw) && raw.every((v) => typeof v === 'string' || typeof v === 'number')) {
        return raw.map(String);
      }
      return bad();
    case 'ints': {
      const list = typeof raw === 'string' ? raw.split(',') : typeof raw === 'number' ? [raw] : raw;
      if (!Array.isArray(list)) return bad();
      return list.map((v) => {
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
        return Number.isSafeInteger(n) ? n : bad();
      });
    }
    case 'map':
      return isPlainObject(raw) ? raw : bad();
    case 'kvpairs':
      if (!isPlainObject(raw)) return bad();
      for (const v of Object.values(raw)) if (typeof v !== 'string') bad();
      return raw;
    case 'any':
      return raw;
  }
}

function describe(type: FieldType): string {
  const names: Record<FieldType, string> = {
    string: 'a string',
    int: 'an integer',
    bool: 'a boolean',
    duration: 'a duration such as `30s` or `1h`',
    strings: 'a list of strings',
    ints: 'a list of integers',
    map: 'an object',
    kvpairs: 'an object of string values',
    any: 'a value',
  };
  return names[type];
}

/** Go's strconv.ParseBool, which Vault uses for query flags such as `list`. */
export function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
