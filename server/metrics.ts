/** Prometheus text exposition, by hand: a handful of series does not need a client library. */
const buckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  accepted = 0;
  duplicates = 0;
  readonly rejected = new Map<string, number>();
  /** Findings the server's verdict did not count, by reason (unknown_rule, over_rule_cap): an agent inventing them. */
  readonly ignoredFindings = new Map<string, number>();
  /** New finding alerts the per-device cap (thresholds.maxOpenAlertsPerDevice) did not open. */
  alertsWithheld = 0;
  private readonly latencyCounts: number[] = buckets.map(() => 0);
  private latencySum = 0;
  private latencyCount = 0;
  /** Series other parts render (forwarders), appended after ours on /metrics. */
  readonly sections: (() => Promise<string>)[] = [];

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  ignoreFindings(reason: string, count: number): void {
    this.ignoredFindings.set(reason, (this.ignoredFindings.get(reason) ?? 0) + count);
  }

  /** Time from the request's arrival to its answer on POST /api/v1/reports, committed reports included. */
  observeIngest(ms: number): void {
    this.latencySum += ms;
    this.latencyCount++;
    const i = buckets.findIndex((b) => ms <= b);
    if (i >= 0) this.latencyCounts[i] = (this.latencyCounts[i] ?? 0) + 1;
  }

  render(stats: { devicesByLevel: Record<string, number>; alertsByRuleStatus: { rule: string; status: string; count: number }[] }, queueDepth: number): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('farmwatch_reports_accepted_total', 'counter', 'Reports committed (202)');
    out.push(`farmwatch_reports_accepted_total ${this.accepted}`);
    family('farmwatch_reports_duplicate_total', 'counter', 'Reports already known (200 duplicate)');
    out.push(`farmwatch_reports_duplicate_total ${this.duplicates}`);
    family('farmwatch_reports_rejected_total', 'counter', 'Reports refused, by reason');
    for (const [reason, n] of this.rejected) out.push(`farmwatch_reports_rejected_total{reason="${escape(reason)}"} ${n}`);
    family('farmwatch_findings_ignored_total', 'counter', "Findings in reports the server judged that its verdict did not count, by reason");
    for (const reason of ['unknown_rule', 'over_rule_cap']) out.push(`farmwatch_findings_ignored_total{reason="${reason}"} ${this.ignoredFindings.get(reason) ?? 0}`);
    family('farmwatch_alerts_withheld_total', 'counter', 'New finding alerts not opened: the device was at its cap of open alerts');
    out.push(`farmwatch_alerts_withheld_total ${this.alertsWithheld}`);
    family('farmwatch_alerts', 'gauge', 'Alerts by rule and status');
    for (const a of stats.alertsByRuleStatus) out.push(`farmwatch_alerts{rule="${escape(a.rule)}",status="${escape(a.status)}"} ${a.count}`);
    family('farmwatch_devices', 'gauge', 'Enrolled devices by the level of their latest report');
    for (const [level, n] of Object.entries(stats.devicesByLevel)) out.push(`farmwatch_devices{level="${escape(level)}"} ${n}`);
    family('farmwatch_ingest_queue_depth', 'gauge', 'Reports waiting for or inside a group commit, or answered and waiting for the places pass');
    out.push(`farmwatch_ingest_queue_depth ${queueDepth}`);
    family('farmwatch_ingest_duration_seconds', 'histogram', 'Ingest latency, request to answer');
    let cumulative = 0;
    buckets.forEach((b, i) => {
      cumulative += this.latencyCounts[i] ?? 0;
      out.push(`farmwatch_ingest_duration_seconds_bucket{le="${b / 1000}"} ${cumulative}`);
    });
    out.push(`farmwatch_ingest_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    out.push(`farmwatch_ingest_duration_seconds_sum ${this.latencySum / 1000}`);
    out.push(`farmwatch_ingest_duration_seconds_count ${this.latencyCount}`);
    return `${out.join('\n')}\n`;
  }
}
