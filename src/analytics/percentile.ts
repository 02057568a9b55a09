// Nearest-rank percentiles, the one definition every figure uses (a conversation's turns, a group's pooled turns,
// an eval run): the smallest sample with at least p% of the samples at or below it, so the figure is always a
// latency someone actually waited.

/** The p-th percentile (0-100) of samples sorted ascending; null without samples. */
export function rankOfSorted(sorted: ArrayLike<number>, percentile: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1]!;
}

/** The p-th percentile (0-100) of samples in any order; null without samples. */
export function nearestRank(samples: readonly number[], percentile: number): number | null {
  // A typed array sorts numerically, without a comparator.
  return rankOfSorted(Float64Array.from(samples).sort(), percentile);
}
