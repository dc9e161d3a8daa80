/**
 * Vault's glob (github.com/ryanuber/go-glob): `*` matches any run of characters, dots and
 * slashes included; nothing else is special. A pattern without `*` must equal the subject.
 */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === subject;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!subject.startsWith(first)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = subject.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return subject.length - last.length >= at && subject.endsWith(last);
}
