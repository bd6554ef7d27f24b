import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { openGeo, type Geo } from './open.js';
import type { IntelPolicy } from './policy.js';

/**
 * Opens the databases at start and says what it did, once: which files geolocate, or that none does and the geo
 * rules are off. A configured file that cannot be read throws ConfigError (one line, naming the file). The bundled
 * ASN table is parsed after the server listens (loadPendingGeo), or at once by the first lookup that needs it.
 */
export function startGeo(config: ServerConfig, log: Logger): Geo | null {
  if (!config.geo.enabled) {
    log.warn('geolocation disabled by config (geo.enabled: false): geo.* rules are off');
    return null;
  }
  const started = performance.now();
  const geo = openGeo(config.geo, {
    deferBundledAsn: {
      onLoaded: (table, ms) => log.info({ ranges: table.ranges, ms: Math.round(ms) }, 'bundled ASN table loaded'),
      onError: (err) => log.error({ err: err.message }, 'bundled ASN table failed to load: reports carry no ASN and geo.hosting-network is off'),
    },
  });
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

/**
 * Drives what openGeo left pending, one step per turn of the event loop, so requests are served between steps.
 * Returns a stop function for shutdown.
 */
export function loadPendingGeo(geo: Geo | null): () => void {
  const pending = geo?.pending;
  if (!pending) return () => {};
  let stopped = false;
  const tick = () => {
    // Not unref'd: an unref'd immediate waits for other I/O to wake the loop. The chain ends with the load anyway.
    if (!stopped && pending.step()) setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    stopped = true;
    pending.stop();
  };
}
