/** What the server knows about where one report came from. rules/ defines it; the server fills it. */
export interface SourceFacts {
  /** ISO 3166 alpha-2 of the source address, absent when the database has no answer (private, documentation ranges). */
  country?: string | undefined;
  asn?: number | undefined;
  asOrg?: string | undefined;
  sourceIp: string;
  /**
   * True when the source lies in an office, VPN/SASE egress network (server config) or carrier-grade NAT: the
   * company's own remote access is never a farm, and a shared CGNAT address says nothing about place. Geo rules skip.
   */
  skipped: boolean;
}
