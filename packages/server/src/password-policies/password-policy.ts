/**
 * A password policy: a length and `charset` rules
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies). Passwords are drawn
 * from the union of the rules' charsets; each rule then asks for at least `minChars` of its own
 * characters. Values of this type come only from {@link parsePolicyText} or are defined here,
 * so they always satisfy the limits below.
 */
export interface CharsetRule {
  /** The rule's characters (code points), as written; may overlap other rules'. */
  readonly charset: string;
  readonly minChars: number;
}

export interface PasswordPolicy {
  readonly length: number;
  readonly rules: readonly CharsetRule[];
}

/** Vault's bounds on `length` (`minPasswordLength`, `maxPasswordLength` in its system backend). */
export const MIN_LENGTH = 4;
export const MAX_LENGTH = 100;
/** Vault's limit on the union of all charsets, in distinct characters. */
export const MAX_ALPHABET = 256;

/**
 * Vault's default password policy, used wherever no policy is named
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies#default-password-policy):
 * 20 characters with at least one lowercase, uppercase, digit and dash.
 */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = Object.freeze({
  length: 20,
  rules: Object.freeze([
    { charset: 'abcdefghijklmnopqrstuvwxyz', minChars: 1 },
    { charset: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', minChars: 1 },
    { charset: '0123456789', minChars: 1 },
    { charset: '-', minChars: 1 },
  ]),
});
