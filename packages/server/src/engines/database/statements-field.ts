import { invalidRequest } from '../../errors.js';
import type { FieldSpec } from '../../framework/fields.js';

/**
 * Statement lists. Vault accepts a JSON list or a single string; a single string is ONE entry
 * (never split on commas, which statements contain: `GRANT SELECT, INSERT …`). An entry may hold
 * several `;`-separated statements.
 */
export const statementsField = (description: string): FieldSpec => ({ type: 'any', description });

/** The list given for `field`, or undefined when absent. */
export function statementList(raw: unknown, field: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw.trim() === '' ? [] : [raw];
  if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return (raw as string[]).filter((s) => s.trim() !== '');
  throw invalidRequest(`field \`${field}\` has an invalid value: expected a list of strings`);
}
