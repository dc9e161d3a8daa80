import { randomInt } from 'node:crypto';
import { invalidRequest, VaultError } from '../errors.js';
import type { PasswordPolicy } from './password-policy.js';

/**
 * Draws passwords from a policy by rejection sampling, as Vault does
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies#candidate-password-generation):
 * each candidate is `length` characters drawn independently and uniformly (node:crypto's
 * `randomInt`, unbiased) from the de-duplicated union of the charsets, and is kept only if every
 * rule has its `min-chars`. The result is uniform over all passwords that satisfy the policy.
 *
 * Vault bounds the loop with a one-second timeout; this bounds the characters drawn instead, so
 * whether a generation succeeds does not depend on the machine's load, and a hopeless policy
 * costs a fixed amount of work (30–50 ms of CPU here).
 */

/** Characters drawn before a generation gives up: 5,000 candidates at length 100. */
export const MAX_DRAWS = 500_000;

/** A policy ready to draw from: the alphabet, and which rules each of its characters counts for. */
interface Prepared {
  readonly length: number;
  readonly alphabet: readonly string[];
  readonly rulesOf: readonly (readonly number[])[];
  readonly minChars: readonly number[];
}

// Policies are immutable values; the default one is reused on every call.
const prepared = new WeakMap<PasswordPolicy, Prepared>();

function prepare(policy: PasswordPolicy): Prepared {
  let p = prepared.get(policy);
  if (!p) {
    const alphabet = [...new Set(policy.rules.flatMap((r) => [...r.charset]))];
    const sets = policy.rules.map((r) => new Set(r.charset));
    p = {
      length: policy.length,
      alphabet,
      rulesOf: alphabet.map((c) => sets.flatMap((set, i) => (set.has(c) ? [i] : []))),
      minChars: policy.rules.map((r) => r.minChars),
    };
    prepared.set(policy, p);
  }
  return p;
}

/** One password, or undefined when none passed within `maxDraws` characters. */
function tryGenerate(p: Prepared, maxDraws: number): string | undefined {
  const attempts = Math.max(1, Math.floor(maxDraws / p.length));
  const counts = new Array<number>(p.minChars.length);
  const picks = new Array<number>(p.length);
  for (let attempt = 0; attempt < attempts; attempt++) {
    counts.fill(0);
    for (let i = 0; i < p.length; i++) {
      const k = randomInt(p.alphabet.length);
      picks[i] = k;
      for (const rule of p.rulesOf[k]!) counts[rule]! += 1;
    }
    if (p.minChars.every((min, rule) => counts[rule]! >= min)) return picks.map((k) => p.alphabet[k]).join('');
  }
  return undefined;
}

/**
 * A password that satisfies `policy`. Throws a 500 (never quoting a candidate) when no candidate
 * passed within {@link MAX_DRAWS} characters — which a policy that passed {@link checkGenerates}
 * does with negligible probability.
 */
export function generatePassword(policy: PasswordPolicy): string {
  const password = tryGenerate(prepare(policy), MAX_DRAWS);
  if (password === undefined) {
    throw new VaultError('internal', 'failed to generate a password: no candidate met every rule of the policy in time');
  }
  return password;
}

/** Test generations on write, each with 1/20 of the budget a real generation gets. */
const CHECK_RUNS = 5;
const CHECK_SHARE = 20;

/**
 * Vault test-generates a policy before saving it, to refuse impossible and overly restrictive
 * ones (api-docs/system/policies-password). Here each of {@link CHECK_RUNS} runs must succeed on
 * 1/{@link CHECK_SHARE} of the real budget. If a candidate passes with probability q, the check
 * passes with probability (1 - (1-q)^(N/20))^5 while a real generation fails with (1-q)^N: a
 * policy that would fail even 2% of real generations gets through with probability under 10⁻³.
 */
export function checkGenerates(policy: PasswordPolicy): void {
  const p = prepare(policy);
  for (let run = 0; run < CHECK_RUNS; run++) {
    if (tryGenerate(p, MAX_DRAWS / CHECK_SHARE) === undefined) {
      throw invalidRequest('unable to generate test passwords from the policy: its rules are too restrictive (are they impossible?)');
    }
  }
}
