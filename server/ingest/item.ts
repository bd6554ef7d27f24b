import type { Report } from '../../schema/report.js';
import type { ColocationPolicy } from '../../rules/fleet/index.js';
import type { SourceGeo } from '../geo/open.js';
import type { IntelPolicy } from '../geo/policy.js';
import type { IngestGuard } from '../lifecycle/storage-types.js';

/** One report as the ingest takes it: what the route received and judged, before the transaction stores it. */
export interface IngestItem {
  report: Report;
  /** The body as received (decompressed): stored as is, so unknown fields are kept. */
  body: string;
  /** factsHash of `body` (./report-facts.ts), computed where the body was parsed; absent, the ingest hashes the body. */
  factsHash?: Buffer | null | undefined;
  sourceIp: string;
  sourceIsOffice: boolean;
  receivedAt: Date;
  /** Country and ASN of sourceIp (server/geo), absent without a database. */
  source?: SourceGeo | undefined;
  /** The server's verdict, nonce and clock skew of this report (server/lifecycle/storage-types.ts). */
  guard?: IngestGuard;
}

export type IngestOutcome = 'accepted' | 'duplicate';

export interface IngestPolicy {
  colocation: ColocationPolicy;
  /** Geo and fleet-intelligence rules; absent, they do not run. */
  intel?: IntelPolicy;
}
