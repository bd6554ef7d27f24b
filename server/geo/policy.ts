import type { FingerprintPolicy, RareToolPolicy } from '../../rules/fleet/index.js';
import type { TravelPolicy } from '../../rules/geo/index.js';

/** What the geo and fleet-intelligence rules need from the server config, handed to storage with each batch. */
export interface IntelPolicy {
  /** False with no geolocation database: the geo rules are off, the fleet rules still run. */
  geo: boolean;
  expectedCountries: readonly string[];
  hostingAsns: readonly number[];
  travel: TravelPolicy;
  rareTool: RareToolPolicy;
  fingerprint: FingerprintPolicy;
  /** How long a fingerprint counts (the co-location window). */
  windowHours: number;
}
