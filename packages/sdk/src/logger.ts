/** Where the SDK reports what a caller should know but that is not an error (SOPS fallback, renewal trouble). */
export interface SdkLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** The default: one line on stderr through `process.emitWarning`, so `--no-warnings` silences it. */
export const defaultLogger: SdkLogger = {
  warn(message, fields) {
    const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.emitWarning(`${message}${suffix}`, { type: 'SecretumVaultWarning' });
  },
};
