/** The `revenueByCurrency` key of conversion values recorded without a `currency`. */
export const NO_CURRENCY = '(none)';

/** The `revenueByCurrency` key of a conversion's currency: the ISO 4217 code upper-cased, or {@link NO_CURRENCY}. */
export function currencyKey(currency: string | undefined): string {
  const code = currency?.trim().toUpperCase();
  return code ? code : NO_CURRENCY;
}

/** Adds `micros` to `currency`'s sum in `sums`. */
export function addMicros(sums: Map<string, number>, currency: string, micros: number): void {
  sums.set(currency, (sums.get(currency) ?? 0) + micros);
}

/** The sums in micro-units as `{ currency: amount }`, keys sorted, zero sums left out. */
export function amountsByCurrency(sums: ReadonlyMap<string, number>, micros: number): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const currency of [...sums.keys()].sort()) {
    const sum = sums.get(currency)!;
    if (sum !== 0) amounts[currency] = sum / micros;
  }
  return amounts;
}
