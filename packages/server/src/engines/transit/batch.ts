import type { EngineResponse } from '../../framework/engine.js';
import { isPlainObject, parseFields, type FieldValues, type Fields } from '../../framework/fields.js';
import { invalidRequest, VaultError } from '../../errors.js';

/**
 * `batch_input` handling shared by encrypt, decrypt, rewrap, hmac, sign and verify: every item is
 * validated against the path's item fields and processed on its own; a bad item gets an `error`
 * in its slot instead of failing the request. As in Vault, any failed item makes the status 400
 * (500 for an internal failure) with the results in the body, unless some items succeeded and
 * `partial_failure_response_code` asks for another code
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#batch_input).
 */
export const BATCH_FIELDS = {
  batch_input: {
    type: 'any',
    description: 'A list of items, each with the fields of a single request; results come back in order in batch_results.',
  },
  partial_failure_response_code: {
    type: 'int',
    description: 'HTTP status to answer when some batch items failed and others succeeded (default 400).',
  },
} as const;

/** Most items a single request may carry; bounds the work one call can ask for. */
export const MAX_BATCH_ITEMS = 100_000;

/** The items of `batch_input`, or undefined when the request is not a batch. */
export function batchItems(raw: unknown): Record<string, unknown>[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every(isPlainObject)) throw invalidRequest('`batch_input` must be a list of objects');
  if (raw.length === 0) throw invalidRequest('missing batch input to process');
  if (raw.length > MAX_BATCH_ITEMS) throw invalidRequest(`\`batch_input\` may hold at most ${MAX_BATCH_ITEMS} items`);
  return raw;
}


/**
 * Runs `each` on every item (parsed with `fields`) and builds Vault's batch response.
 * `each` returns the item's result fields; errors it throws become that item's `error`.
 */
export async function runBatch<F extends Fields>(
  fields: F,
  items: readonly Record<string, unknown>[],
  partialFailureCode: number | undefined,
  each: (item: FieldValues<F>) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<EngineResponse> {
  const results: Record<string, unknown>[] = [];
  let successes = 0;
  let userErrors = 0;
  let internalErrors = 0;
  for (const raw of items) {
    const reference = referenceOf(raw);
    try {
      const out = each(parseFields(fields, raw));
      // Most item handlers are synchronous: awaiting only promises spares a microtask per item.
      const result = out instanceof Promise ? await out : out;
      results.push({ ...result, reference });
      successes++;
    } catch (err) {
      const user = err instanceof VaultError && err.status < 500;
      if (user) userErrors++;
      else internalErrors++;
      results.push({ error: user ? err.message : 'internal error', reference });
    }
  }
  const response: EngineResponse = { data: { batch_results: results } };
  if (userErrors + internalErrors === 0) return response;
  let status = userErrors > 0 ? 400 : 500;
  if (partialFailureCode !== undefined && successes > 0) {
    if (partialFailureCode >= 1 && partialFailureCode <= 599) status = partialFailureCode;
    else response.warnings = [`invalid HTTP response code override from partial_failure_response_code, reverting to ${status}`];
  }
  return { ...response, status };
}

/**
 * `reference` is echoed back on every result so callers can match them up: a string field, read
 * as parseFields reads one (numbers and booleans as text), and '' when absent or not a scalar.
 * Inline rather than through parseFields because it runs for every item of every batch.
 */
function referenceOf(raw: Record<string, unknown>): string {
  const value = raw['reference'];
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
