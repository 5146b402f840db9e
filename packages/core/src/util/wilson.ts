/**
 * Lower bound of the Wilson score interval for the share of up-votes, at 95%
 * confidence. Ranking by it means one vote cannot flip an established plugin,
 * while a plugin with many good outcomes rises steadily.
 */
export function wilsonLowerBound(up: number, down: number, z = 1.96): number {
  const n = up + down;
  if (n <= 0) return 0;
  const p = up / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n);
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}
