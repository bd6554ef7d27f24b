/**
 * Milliseconds from a monotonic clock, as performance.now() measures them: Node loads its perf_hooks modules on the
 * first use of the `performance` global (~5 ms of a one-shot command's start), process.hrtime is already there.
 */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
