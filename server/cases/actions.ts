import type { ServerContext } from '../context.js';
import type { Alert } from '../db/records.js';
import { caseStore, type Case, type CaseState, type Resolution } from './store.js';
import { caseTargetsOf } from './targets.js';
import { verdictLog } from './verdict-log.js';

/** What the API and the dashboard share about cases: bringing them in line with the alerts, and acting on one. */
export function casesOf(ctx: ServerContext) {
  const store = caseStore(ctx.storage.sql);
  const verdicts = verdictLog(ctx.storage.sql);
  const active = () => ctx.storage.listAlerts('active');
  const alertsOf = (c: Case, alerts: readonly Alert[]) => alerts.filter((a) => caseTargetsOf(a).some((t) => t.key === c.key));
  return {
    store,
    verdicts,
    /** Cases after a sync with the active alerts (cheap: one read of the active alerts, writes only what changed). */
    async synced(): Promise<Alert[]> {
      const alerts = await active();
      await store.sync(alerts, ctx.now());
      return alerts;
    },
    /** The case's alerts (active ones, and resolved ones that named its devices, newest first, bounded). */
    async alertsOf(c: Case): Promise<Alert[]> {
      const all = await ctx.storage.listAlerts(undefined, { limit: 1000 });
      return alertsOf(c, all);
    },
    /**
     * Acts on the case and on its alerts: investigating acknowledges its open alerts, resolved resolves its active
     * ones (the SIEM sees the alert changes as before). Returns the case, or why not.
     */
    async act(id: number, to: CaseState, reason: Resolution | null, actor: string): Promise<Case | 'not-found' | 'conflict'> {
      const result = await store.setState(id, to, reason, actor, ctx.now());
      if (typeof result === 'string') return result;
      const mine = alertsOf(result, await active());
      for (const a of mine) {
        if (to === 'investigating' && a.status === 'open') await ctx.storage.transitionAlert(a.id, 'acknowledged', ctx.now());
        if (to === 'resolved') await ctx.storage.transitionAlert(a.id, 'resolved', ctx.now());
      }
      return result;
    },
  };
}

export type Cases = ReturnType<typeof casesOf>;
