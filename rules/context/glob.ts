/** Compiles config globs ("America/*", "en-*") into one case-insensitive test; `*` spans "/" too. */
export function globMatcher(patterns: readonly string[]): (value: string) => boolean {
  if (patterns.length === 0) return () => false;
  const source = patterns
    .map((p) => p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'))
    .join('|');
  const re = new RegExp(`^(?:${source})$`, 'i');
  return (value) => re.test(value);
}
