import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { ConfigError } from '../../common/config-error.js';
import { loadAsnTable, type AsnTable } from './asn-table.js';
import { isSpecialPurpose } from './special.js';

/** What the server knows about a source address; fields absent when the database has no answer. */
export interface SourceGeo {
  country?: string;
  asn?: number;
  asOrg?: string;
}

export interface GeoConfig {
  enabled: boolean;
  countryDb?: string | undefined;
  asnDb?: string | undefined;
}

export interface Geo {
  lookup(ip: string): SourceGeo;
  /** The files in use, for the start-up log line and docs. */
  readonly sources: { country: string | null; asn: string | null };
}

const require = createRequire(import.meta.url);

/** The bundled databases' paths, or null when the package is not installed. */
export function bundledDatabases(): { country: string | null; asnV4: string | null; asnV6: string | null } {
  const find = (pkg: string) => {
    try {
      return dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      return null;
    }
  };
  const country = find('@ip-location-db/geo-whois-asn-country-mmdb');
  const asn = find('@ip-location-db/asn');
  return {
    country: country && join(country, 'geo-whois-asn-country.mmdb'),
    asnV4: asn && join(asn, 'asn-ipv4-num.csv'),
    asnV6: asn && join(asn, 'asn-ipv6-num.csv'),
  };
}

type CountryRecord = { country_code?: string; country?: { iso_code?: string }; registered_country?: { iso_code?: string } };
type AsnRecord = { autonomous_system_number?: number; autonomous_system_organization?: string };

function openMmdb<T extends object>(file: string, what: string): Reader<T> {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the ${what} database (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const reader = new Reader<T>(buffer);
    reader.get('1.1.1.1'); // a corrupt tree fails here rather than on the first report
    return reader;
  } catch (err) {
    throw new ConfigError(`${file}: not a readable MaxMind DB (MMDB) ${what} database (${(err as Error).message})`);
  }
}

/**
 * Opens the geolocation databases once, at start. A configured file that is missing or corrupt is one ConfigError
 * naming it (the server does not start); the bundled files missing is not an error: `null` parts, logged by the caller.
 * GeoIP2/GeoLite2 Country and ASN MMDBs work as well as the bundled ones (their record shapes are read too).
 */
export function openGeo(config: GeoConfig): Geo | null {
  if (!config.enabled) return null;
  const bundled = bundledDatabases();
  const countryFile = config.countryDb ?? bundled.country;
  const country = countryFile ? openMmdb<CountryRecord>(countryFile, 'country') : null;

  let asn: ((ip: string) => { asn: number; org: string } | null) | null = null;
  let asnSource: string | null = null;
  if (config.asnDb) {
    asnSource = config.asnDb;
    if (config.asnDb.endsWith('.mmdb')) {
      const reader = openMmdb<AsnRecord>(config.asnDb, 'ASN');
      asn = (ip) => {
        const r = reader.get(ip);
        return r?.autonomous_system_number ? { asn: r.autonomous_system_number, org: r.autonomous_system_organization ?? '' } : null;
      };
    } else {
      asn = tableLookup(() => loadAsnTable(config.asnDb as string));
    }
  } else if (bundled.asnV4) {
    asnSource = bundled.asnV4;
    const v4 = bundled.asnV4;
    asn = tableLookup(() => loadAsnTable(v4, bundled.asnV6 ?? undefined));
  }
  if (!country && !asn) return null;

  return {
    sources: { country: countryFile ?? null, asn: asnSource },
    lookup(ip) {
      // Documentation, private, loopback, CGNAT and other special-purpose ranges have no place; the bundled
      // country data even maps 2001:db8::/32 to JP, so they are never looked up.
      if (isSpecialPurpose(ip)) return {};
      const out: SourceGeo = {};
      const c = country?.get(ip);
      const code = c?.country_code ?? c?.country?.iso_code ?? c?.registered_country?.iso_code;
      if (code) out.country = code.toUpperCase();
      const a = asn?.(ip);
      if (a) {
        out.asn = a.asn;
        if (a.org) out.asOrg = a.org;
      }
      return out;
    },
  };
}

function tableLookup(load: () => AsnTable): (ip: string) => { asn: number; org: string } | null {
  let table: AsnTable;
  try {
    table = load();
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return (ip) => table.lookup(ip);
}
