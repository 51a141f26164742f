/**
 * `12,345.68`: fixed decimals and comma thousands, the same on every machine (toLocaleString
 * would follow the host's locale, and the report's bytes must not).
 */
export function formatNumber(value: number, decimals = 2): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** `+1.23%` / `-0.45%`. */
export function formatPct(value: number): string {
  return `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(2)}%`;
}

/** A price with the decimals its size needs: 2 from 100 up, 4 from 1, 6 below. */
export function formatPrice(value: number): string {
  const size = Math.abs(value);
  return formatNumber(value, size >= 100 ? 2 : size >= 1 ? 4 : 6);
}

/** A figure that may be missing (too little history): `n/a` then. */
export function orNa<T>(value: T | null, format: (v: T) => string): string {
  return value === null ? 'n/a' : format(value);
}
