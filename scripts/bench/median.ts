/** The median of a sample (the upper middle one of an even count), NaN for none. Pure. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
