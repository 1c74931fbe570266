// Small helpers shared by the browser benchmark drivers.

/** Median of a list of numbers. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Bytes as MiB with one decimal ('n/a' for null). */
export const mib = (b) => (b == null ? 'n/a' : `${(b / 1048576).toFixed(1)} MiB`);
export const pad = (s, n) => String(s).padEnd(n);
export const lpad = (s, n) => String(s).padStart(n);
