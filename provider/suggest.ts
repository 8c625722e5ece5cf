/**
 * "Did you mean": the nearest allowed value to a near miss, for check's
 * messages (event types, matcher fields, metric names, units).
 */

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The allowed value nearest to `input` (case ignored), when it is close: an
 * edit distance of at most 3 and under a third of that value's length.
 * Otherwise undefined: a far-fetched guess misleads more than it helps.
 */
export function nearest(input: string, allowed: readonly string[]): string | undefined {
  const wanted = input.toUpperCase();
  let best: { value: string; distance: number } | undefined;
  for (const value of allowed) {
    const distance = editDistance(wanted, value.toUpperCase());
    if (distance > 3 || distance >= value.length / 3) continue;
    if (!best || distance < best.distance) best = { value, distance };
  }
  return best?.value;
}

/** `: did you mean X?` for a near miss, else `otherwise`. */
export function didYouMean(input: unknown, allowed: readonly string[], otherwise = ""): string {
  const hit = typeof input === "string" ? nearest(input, allowed) : undefined;
  return hit ? `: did you mean ${hit}?` : otherwise;
}
