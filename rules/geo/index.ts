/** Server-side geo rules: pure decisions over a report's source address (country, ASN) and the laptop's identity. */
export { countryMismatchRule, countryMismatch } from './country-mismatch.js';
export { hostingNetworkRule, hostingNetwork } from './hosting-network.js';
export { timezoneMismatchRule, timezoneMismatch, canonicalZone } from './timezone-mismatch.js';
export { impossibleTravelRule, impossibleTravel, countryDistanceKm, haversineKm } from './impossible-travel.js';
export type { TravelPolicy, PreviousSource } from './impossible-travel.js';
export { countryZones, hostingAsns } from './data.js';
export type { CountryZones, HostingEntry } from './data.js';
export type { SourceFacts } from './facts.js';
export { serverFinding } from './finding.js';
export type { ServerRuleMeta } from './finding.js';
