export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export const fmtRps = (x) => (x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0));
export const fmtMs = (x) => (x < 1 ? `${(x * 1000).toFixed(0)}µs` : `${x.toFixed(2)}ms`);
export const fmtRatio = (x) => x.toFixed(3);
