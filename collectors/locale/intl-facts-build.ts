import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { posixLocaleCandidates, zoneCandidates } from './intl-candidates.js';
import { intlFactsFile, intlFactsKey, type IntlFacts } from './intl-facts.js';

/**
 * Asks this Node's Intl about every candidate name (run by the build, never by a command): the zones it accepts with
 * the name it resolves each to, and the locale tags it resolves to themselves.
 */
export function buildIntlFacts(zones: readonly string[] = zoneCandidates, posixLocales: readonly string[] = posixLocaleCandidates): IntlFacts {
  const zoneMap: Record<string, string> = {};
  const names = [...new Set([...Intl.supportedValuesOf('timeZone'), ...zones])].sort();
  for (const name of names) {
    try {
      zoneMap[name] = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      // Intl does not know this zone: not recorded, so a machine set to it takes the Intl path.
    }
  }
  const tags = new Set(['en-US', ...posixLocales.map((l) => l.replace('_', '-'))]);
  const locales = [...tags].filter((tag) => {
    try {
      return new Intl.DateTimeFormat(tag).resolvedOptions().locale === tag;
    } catch {
      return false;
    }
  }).sort();
  return { key: intlFactsKey(), zones: zoneMap, locales };
}

/** The build's step: records this Node's answers where the collector reads them (intlFactsFile). */
export function writeIntlFacts(file: string = intlFactsFile()): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(buildIntlFacts())}\n`);
  return file;
}
