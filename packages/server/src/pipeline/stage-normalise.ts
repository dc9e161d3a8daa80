import { invalidRequest } from '../errors.js';

/**
 * Stage 3: decode the path once and reject every spelling that could reach a resource by another
 * name — `.`/`..`/empty segments, NUL and other control characters, U+2028/9, invalid UTF-8 —
 * BEFORE routing or authorization look at it. Returns the canonical path; a single trailing slash
 * is kept (it marks a folder for LIST).
 */
export function normalisePath(rawPath: string): string {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw invalidRequest('invalid path: malformed percent-encoding or utf-8');
  }
  // C0 controls, DEL, C1 controls, line/paragraph separators, and backslash (a separator elsewhere)
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/.test(path)) {
    throw invalidRequest('invalid path: control or separator characters are not allowed');
  }
  if (path.startsWith('/')) throw invalidRequest('invalid path: empty segment');
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  if (body === '') throw invalidRequest('invalid path: empty');
  for (const segment of body.split('/')) {
    if (segment === '') throw invalidRequest('invalid path: empty segment');
    if (segment === '.' || segment === '..') throw invalidRequest('invalid path: `.` and `..` segments are not allowed');
  }
  return path;
}
