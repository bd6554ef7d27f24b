import type { Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { Report } from '../schema/report.js';
import { describeConnectFailure } from './connect-error.js';
import { refusedNotice } from './refused-notice.js';
import type { Spool } from './spool.js';
import { createTransport, type TransportOptions } from './transport.js';

export interface ReporterOptions extends TransportOptions {
  token: string;
  spool: Spool;
  log: Logger;
  timeoutMs: number;
  /** First backoff step and its cap; each delay is drawn uniformly in [0, min(cap, base × 2^failures)] (full jitter). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** After a 401: long pause (the token is not coming back by itself). */
  authBackoffMs?: number;
  random?: () => number;
  now?: () => number;
  /**
   * Signature headers for a body, signed at `atMs` (agent/signing.ts), and what to do with an acknowledged response
   * body (the policy).
   */
  sign?: ((body: string, atMs?: number) => Record<string, string>) | undefined;
  onAccepted?: ((responseBody: string) => Promise<void> | void) | undefined;
}

export interface DrainResult {
  sent: number;
  duplicates: number;
  deadLettered: number;
  quarantined: number;
  /** Reports refused as too large (413) whose replacement, naming them, the server acknowledged. */
  refusedNoticed?: number;
  /** Why the pass stopped before the spool was empty, and when the next try is due. */
  stopped?: { reason: string; retryAt: number };
}

const refusedForGood = new Set([400, 403, 413]);
const bodiesWorthGzip = 16 * 1024;

/** Drains the spool to the agent's one configured server, oldest first. One pass at a time. */
export class Reporter {
  /** Epoch ms before which no send is attempted (backoff, Retry-After, 401 pause). */
  retryAt = 0;
  /**
   * The server's clock minus the laptop's, learned from the Date header of every answer: reports are signed with
   * the server's time, so that a laptop with a wrong clock still reports (sentAt stays the laptop's own clock: the
   * server measures the skew from it and records agent.clock-skew).
   */
  clockOffsetMs = 0;
  private failures = 0;
  private running: Promise<DrainResult> | undefined;
  private transport: Agent | undefined;
  private fetchFn: typeof import('node-fetch').default | undefined;
  private readonly endpoint: string;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: ReporterOptions) {
    this.endpoint = new URL('/api/v1/reports', opts.serverUrl).toString();
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  private readonly hardStop = new AbortController();

  /**
   * Sends what is spooled, oldest first, until empty or a transient failure; concurrent calls share one pass.
   * `signal` stops the pass between reports (the send in flight completes); close() cuts the send in flight.
   */
  drain(signal?: AbortSignal): Promise<DrainResult> {
    this.running ??= this.pass(signal).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** One send outside the spool (the stopping report): true when the server acknowledged it. */
  async sendNow(report: Report): Promise<boolean> {
    return (await this.send(report)).kind === 'ack';
  }

  close(): void {
    this.hardStop.abort(new Error('reporter closed'));
    this.transport?.destroy();
  }

  private async pass(signal?: AbortSignal): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, duplicates: 0, deadLettered: 0, quarantined: 0 };
    const { spool } = this.opts;
    if (this.now() < this.retryAt) {
      result.stopped = { reason: 'backing off', retryAt: this.retryAt };
      return result;
    }
    for (const entry of await spool.list()) {
      if (signal?.aborted) {
        result.stopped = { reason: 'stopping', retryAt: this.now() };
        break;
      }
      const read = await spool.read(entry);
      if (!read.ok) {
        await spool.quarantine(entry.name, read.reason);
        result.quarantined += 1;
        continue;
      }
      const outcome = await this.send(read.report);
      if (outcome.kind === 'ack') {
        await spool.remove(entry);
        this.failures = 0;
        if (outcome.duplicate) result.duplicates += 1;
        else result.sent += 1;
        continue;
      }
      if (outcome.kind === 'refused') {
        await spool.deadLetter(entry, outcome.reason);
        result.deadLettered += 1;
        if (outcome.status === 413 && !(await this.noticeTooLarge(read.report, outcome.bytes, result))) break;
        continue;
      }
      this.retryAt = this.now() + outcome.delayMs;
      result.stopped = { reason: outcome.reason, retryAt: this.retryAt };
      break;
    }
    return result;
  }

  /**
   * A report refused as too large is not lost without a trace: a small report replacing it (its findings, no snapshot,
   * `agent.health.refused`) goes at once, before newer reports, so the server raises agent.report-refused. If that
   * cannot be delivered now it is spooled; false then, and the pass stops for the backoff.
   */
  private async noticeTooLarge(refused: Report, bytes: number, result: DrainResult): Promise<boolean> {
    const { log, spool } = this.opts;
    log.error(
      { reportId: refused.reportId, bytes, budget: refused.truncated?.budget },
      'the server refused a report as too large (HTTP 413): a smaller report naming it goes instead. If a proxy in front of the server has a lower body limit, set report.maxBytes below it',
    );
    const notice = refusedNotice(refused, bytes, 413, new Date(this.now()));
    const outcome = await this.send(notice);
    if (outcome.kind === 'ack') {
      result.refusedNoticed = (result.refusedNoticed ?? 0) + 1;
      return true;
    }
    if (outcome.kind === 'refused') {
      log.error({ reportId: notice.reportId, refusedReportId: refused.reportId, reason: outcome.reason }, 'the server refused the report naming a refused report too: given up');
      return true;
    }
    await spool.add(notice, this.now());
    this.retryAt = this.now() + outcome.delayMs;
    result.stopped = { reason: outcome.reason, retryAt: this.retryAt };
    return false;
  }

  private async send(report: Report, skewRetry = false): Promise<Outcome> {
    const { log, timeoutMs } = this.opts;
    const body = JSON.stringify({ ...report, sentAt: new Date(this.now()).toISOString() });
    const gzip = Buffer.byteLength(body) > bodiesWorthGzip;
    const fetch = await this.fetch();
    const timeout = AbortSignal.timeout(timeoutMs);
    let response;
    let text = '';
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.opts.token}`,
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          ...this.opts.sign?.(body, this.now() + this.clockOffsetMs),
        },
        body: gzip ? gzipSync(body) : body,
        agent: this.transport,
        signal: AbortSignal.any([this.hardStop.signal, timeout]),
        redirect: 'error', // the agent talks to its configured server only
      });
      this.learnClock(response.headers.get('date'));
      text = await response.text().catch(() => '');
    } catch (err) {
      // The cause and its fix (certificate, DNS, refused, ...), logged with every failed delivery.
      const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeConnectFailure(err, { url: this.endpoint, caFile: this.opts.caFile }).message;
      return this.transient(`${this.endpoint}: ${reason}`);
    }
    const { status } = response;
    if (status === 202 || status === 200) {
      await Promise.resolve(this.opts.onAccepted?.(text)).catch((err: unknown) => log.warn({ err }, 'could not keep the server\'s answer (policy)'));
      return { kind: 'ack', duplicate: status === 200 };
    }
    if (refusedForGood.has(status)) return { kind: 'refused', reason: `HTTP ${status}`, status, bytes: Buffer.byteLength(body) };
    if (status === 401 && errorCode(text) === 'clock_skew') {
      // The refusal's Date header just taught the server's clock: one prompt retry signed with it, not the token pause.
      log.warn({ status, clockOffsetMs: this.clockOffsetMs, answer: text.slice(0, 300) }, "the server refused this laptop's clock; signing with the server's time (fix the laptop's clock: NTP)");
      if (!skewRetry) return this.send(report, true);
      return this.transient(`${this.endpoint}: HTTP 401 clock_skew after signing with the server's time`);
    }
    if (status === 401) {
      const delayMs = this.opts.authBackoffMs ?? 60 * 60_000;
      log.error(
        { status, server: this.opts.serverUrl, retryInMs: delayMs, answer: text.slice(0, 300) },
        'the server does not accept this device\'s token (revoked or reset): run `farmwatch enroll` again after an admin resets the device; reports stay spooled meanwhile',
      );
      return { kind: 'retry', reason: 'HTTP 401: token not accepted', delayMs };
    }
    if (status === 429 || status === 503) {
      const after = retryAfterMs(response.headers.get('retry-after'), this.now());
      if (after !== undefined) {
        log.warn({ status, retryAfterMs: after }, 'server asked to retry later');
        return { kind: 'retry', reason: `HTTP ${status}, Retry-After`, delayMs: after };
      }
    }
    return this.transient(`${this.endpoint}: HTTP ${status}`);
  }

  /**
   * The Date header has a resolution of one second: the server's clock is taken as its middle, and an offset under
   * two seconds (what that resolution and the round trip blur) counts as none.
   */
  private learnClock(date: string | null): void {
    const serverMs = date ? Date.parse(date) : Number.NaN;
    if (!Number.isFinite(serverMs)) return;
    const offsetMs = serverMs + 500 - this.now();
    this.clockOffsetMs = Math.abs(offsetMs) < 2_000 ? 0 : offsetMs;
  }

  private transient(reason: string): Outcome {
    const base = this.opts.backoffBaseMs ?? 1_000;
    const cap = this.opts.backoffCapMs ?? 5 * 60_000;
    const delayMs = Math.round(this.random() * Math.min(cap, base * 2 ** Math.min(this.failures, 30)));
    this.failures += 1;
    this.opts.log.warn({ reason, failures: this.failures, retryInMs: delayMs }, 'delivery failed; the report stays spooled');
    return { kind: 'retry', reason, delayMs };
  }

  // node-fetch costs ~11 MiB of RSS: loaded on the first send, not at start.
  private async fetch(): Promise<typeof import('node-fetch').default> {
    if (!this.fetchFn) {
      this.fetchFn = (await import('node-fetch')).default;
      this.transport = createTransport(this.opts);
    }
    return this.fetchFn;
  }
}

type Outcome =
  | { kind: 'ack'; duplicate: boolean }
  | { kind: 'refused'; reason: string; status: number; bytes: number }
  | { kind: 'retry'; reason: string; delayMs: number };

/** Retry-After in seconds or as an HTTP date; capped at a day so a bad header cannot silence the agent. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), 24 * 60 * 60_000);
}

/** The `error` code of a server's JSON answer, or undefined. */
function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: unknown }).error;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
