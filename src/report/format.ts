/** Formats an integer count with thousands separators (`12,345`). */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats a 0–1 rate as a percentage with one decimal (`42.5%`), or an em dash for `null`. */
export function formatRate(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** Formats an amount of money with two decimals and the currency code, or an em dash for `null`. */
export function formatMoney(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

/** Formats a signed relative change (`+12.3%`, `-4.0%`), or an em dash for `null`. */
export function formatLift(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const sign = value > 0 ? '+' : '';
  return `${sign}${(value * 100).toFixed(1)}%`;
}

/** Formats a p-value (`0.003`, `< 0.001`), or an em dash for `null`. */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}
