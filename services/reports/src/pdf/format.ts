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
