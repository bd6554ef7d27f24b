import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/version.js';

/**
 * What Intl answers about time-zone and locale names, recorded at build time (intl-facts-build.ts) so that the
 * locale collector can give Intl's exact answer without loading ICU's data (~8 MiB of RSS and ~30 ms per process,
 * docs/BENCHMARKS.md). Valid only for the Node it was recorded with: another V8 or ICU may canonicalise differently,
 * and then the collector asks Intl as before.
 */
export interface IntlFacts {
  /** The Node this was recorded with (intlFactsKey). */
  key: string;
  /** Every zone name Intl accepts, mapped to the name resolvedOptions().timeZone gives for it ("Etc/UTC" → "UTC"). */
  zones: Record<string, string>;
  /** Locale tags that Intl.DateTimeFormat resolves to themselves ("de-DE" yes; "nb-NO" no, it becomes "nb"). */
  locales: string[];
}

/** What decides Intl's answers: V8 (how it canonicalises), ICU and its data, tzdata, and a small or full ICU. */
export function intlFactsKey(
  versions: NodeJS.ProcessVersions = process.versions,
  icuSmall: unknown = (process.config.variables as Record<string, unknown> | undefined)?.['icu_small'],
): string {
  return [versions.v8, versions.icu, versions.tz, versions.unicode, String(icuSmall)].join('|');
}

/** Where the build writes the facts, under the package root (dist/ from source, from dist, and in the laptop bundle). */
export const intlFactsFile = (): string => join(packageRoot(), 'dist', 'collectors', 'locale', 'intl-facts.json');

let shipped: { facts: IntlFacts | undefined } | undefined;

/**
 * The recorded facts when they belong to this Node; undefined (ask Intl) when absent, foreign or not of their shape.
 * The shipped file is read once per process.
 */
export function loadIntlFacts(file?: string, key: string = intlFactsKey()): IntlFacts | undefined {
  if (file === undefined) {
    shipped ??= { facts: loadIntlFacts(intlFactsFile(), key) };
    return shipped.facts;
  }
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<IntlFacts>;
    if (raw.key !== key || typeof raw.zones !== 'object' || raw.zones === null || !Array.isArray(raw.locales)) return undefined;
    return raw as IntlFacts;
  } catch {
    return undefined;
  }
}
