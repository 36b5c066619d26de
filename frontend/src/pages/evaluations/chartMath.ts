/** Binning and scales for the run page's small SVG charts. */
export interface Bin {
  from: number;
  to: number;
  count: number;
  label: string;
}

/** `count` equal bins over [min, max] (the last one closed); empty input → no bins. */
export function histogram(values: number[], count: number, range?: [number, number], unit = ''): Bin[] {
  if (values.length === 0 || count < 1) return [];
  const lo = range ? range[0] : Math.min(...values);
  let hi = range ? range[1] : Math.max(...values);
  if (hi <= lo) hi = lo + 1;
  const width = (hi - lo) / count;
  const bins: Bin[] = Array.from({ length: count }, (_, i) => {
    const from = lo + i * width;
    const to = i === count - 1 ? hi : lo + (i + 1) * width;
    return { from, to, count: 0, label: `${fmt(from)}–${fmt(to)}${unit}` };
  });
  for (const v of values) {
    const index = Math.min(count - 1, Math.max(0, Math.floor((v - lo) / width)));
    bins[index]!.count += 1;
  }
  return bins;
}

function fmt(n: number): string {
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(Math.round(n * 100) / 100);
}

/** A "nice" upper bound for an axis (1, 2, 5 × 10^k at or above the value). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
