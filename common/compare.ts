/**
 * The sign of a.localeCompare(b) without ICU's collator, where it is known: for ids and names of ASCII letters,
 * digits and `-`, ICU's root collation orders case-insensitively first (`-`, then digits, then
 * letters; a prefix first) and then puts lowercase before uppercase. Creating the collator costs a one-shot command
 * ~2 MB of RSS (docs/BENCHMARKS.md); any other string is still compared by localeCompare.
 * test/common/compare.test.ts holds it to localeCompare.
 */
const plain = /^[A-Za-z0-9-]*$/;

export function compareIds(a: string, b: string): number {
  if (!plain.test(a) || !plain.test(b)) return a.localeCompare(b);
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] === la[i] ? -1 : 1; // the same letter in two cases: lowercase first
  }
  return 0;
}
