import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { openGeo, type Geo } from './open.js';
import type { IntelPolicy } from './policy.js';

/**
 * Opens the databases at start and says what it did, once: which files geolocate, or that none does and the geo
 * rules are off. A configured file that cannot be read throws ConfigError (one line, naming the file).
 */
export function startGeo(config: ServerConfig, log: Logger): Geo | null {
  if (!config.geo.enabled) {
    log.warn('geolocation disabled by config (geo.enabled: false): geo.* rules are off');
    return null;
  }
  const started = performance.now();
  const geo = openGeo(config.geo);
  if (!geo) {
    log.warn('no geolocation database found (neither geo.countryDb/geo.asnDb nor the bundled @ip-location-db packages): reports carry no country or ASN and geo.* rules are off');
    return null;
  }
  log.info({ country: geo.sources.country, asn: geo.sources.asn, ms: Math.round(performance.now() - started) }, 'geolocation databases open');
  return geo;
}

export function intelPolicyOf(config: ServerConfig, geoOn: boolean): IntelPolicy {
  return {
    geo: geoOn,
    expectedCountries: config.expected.countries,
    hostingAsns: config.geo.hostingAsns,
    travel: { maxSpeedKmh: config.geo.maxSpeedKmh, slackKm: config.geo.slackKm },
    rareTool: config.rareTool,
    fingerprint: config.fingerprint,
    windowHours: config.colocation.windowHours,
  };
}
