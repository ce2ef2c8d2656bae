/**
 * "Did you mean": the nearest name by edit distance (case-insensitive, adjacent transpositions
 * count one), for the errors of `rules validate`.
 */

/** Longest name compared; member names are far shorter. */
const MAX_NAME = 128;

/** Damerau-Levenshtein (optimal string alignment) distance, ignoring case. */
export function editDistance(a: string, b: string): number {
  const x = a.slice(0, MAX_NAME).toLowerCase();
  const y = b.slice(0, MAX_NAME).toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[x.length]![y.length]!;
}

/** The nearest of `names`, or undefined when there are none. Ties keep the first. */
export function nearest(name: string, names: Iterable<string>): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const n of names) {
    const distance = editDistance(name, n);
    if (!best || distance < best.distance) best = { name: n, distance };
  }
  return best;
}

/**
 * ` (did you mean x?)` when a name is close enough to be a typo (a third of its length, at least
 * two edits), else ` (nearest: x)` when there is one, else ''.
 * @example suggestion('enableNetworkIsolaton', ['enableNetworkIsolation']) // ' (did you mean enableNetworkIsolation?)'
 */
export function suggestion(name: string, names: Iterable<string>): string {
  const best = nearest(name, names);
  if (!best) return '';
  if (best.distance <= Math.max(2, Math.ceil(name.length / 3))) return ` (did you mean ${best.name}?)`;
  return ` (nearest: ${best.name})`;
}
