/** Server-side fleet rules: pure decisions over what the server has seen across devices. */
export { colocationRule, placesOf, clusterKey, decideCluster, membersChanged, clusterToJoin, joinCluster } from './colocation.js';
export type { Place, PlaceKind, ColocationPolicy, ReportPlaces, ClusterDecision, OpenCluster } from './colocation.js';
export { silentAgentRule, isSilent, silentSince, decideSilent, believedPromise, longestPromiseMs } from './silent-agent.js';
export type { DeviceSilence, SilentDecision } from './silent-agent.js';
export { rareToolRule, rareTool, remoteToolsOf } from './rare-tool.js';
export type { RareToolPolicy } from './rare-tool.js';
export { sharedFingerprintRule, sharedFingerprint, similarRtts, rttVector, fingerprintKey, defaultFingerprintPolicy } from './shared-fingerprint.js';
export type { FingerprintPolicy, FingerprintMember } from './shared-fingerprint.js';
export { neighborDevicesRule, neighborDevices } from './neighbor-devices.js';
export { sharedOperatorRule, operatorSightingsOf, decideSharedOperator, normalizePeerId, isKeyedHash, defaultOperatorPolicy } from './shared-operator.js';
export type { OperatorKind, OperatorSighting, SharedPolicy, SharedDecision } from './shared-operator.js';
export {
  sharedPeripheralRule, peripheralSightingsOf, decideSharedPeripheral, isGenericSerial, catalogSerials, edidSerialInput, usbSerialInput,
  isVendorDefault, defaultPeripheralPolicy,
} from './shared-peripheral.js';
export type { PeripheralKind, PeripheralSighting, PeripheralPolicy } from './shared-peripheral.js';
export { clustersOf, linkKeysOf, linkRules } from './cluster.js';
export type { Cluster, ClusterEdge, EdgeReason, Link, LinkReason } from './cluster.js';
export { atExemptPlace, onlyAtExemptPlaces, officePlacesTaught, membersKey, placeRoles } from './places.js';
export type { KnownPlaces, PlaceRole } from './places.js';
export { gradeFleet, baseSeverity, memberEvidenceOf, defaultFleetGradePolicy } from './grade.js';
export type { FleetGrade, FleetGradePolicy, PresenceDay } from './grade.js';
export { relayCatalog, relayMatcher } from './relays.js';
export type { RelayEntry, RelayMatch } from './relays.js';
