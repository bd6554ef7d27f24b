import type { Logger } from 'pino';
import { agentVersion } from '../../common/version.js';
import type { OutboxStorage } from './outbox-storage.js';
import { forwarderNames, type ForwarderConfig } from './config.js';
import { Dispatcher, type Route } from './dispatcher.js';
import { ocsfFileSender } from './ocsf-file.js';
import { ocsfHttpSender } from './ocsf-http.js';
import type { Sender } from './sender.js';
import { splunkHecSender } from './splunk-hec.js';
import { syslogSender } from './syslog.js';
import { webhookSender } from './webhook.js';

export { forwarderNames } from './config.js';

function senderFor(f: ForwarderConfig, version: string): { sender: Sender; concurrency: number } {
  switch (f.type) {
    case 'ocsf-file':
      // Many in flight: the file sender writes them with one fdatasync.
      return { sender: ocsfFileSender(f.path, version), concurrency: 64 };
    case 'ocsf-http':
      return { sender: ocsfHttpSender(f.url, f.headers, version), concurrency: 4 };
    case 'syslog':
      // One stream keeps the order on TCP/TLS; datagrams may go several at once.
      return { sender: syslogSender(f, version), concurrency: f.protocol === 'udp' ? 8 : 1 };
    case 'splunk-hec':
      return { sender: splunkHecSender(f), concurrency: 4 };
    case 'webhook':
      return { sender: webhookSender(f), concurrency: 2 };
  }
}

export interface Forwarders {
  start(): void;
  stop(): Promise<void>;
  /** Prometheus lines: delivered/failed/dropped counters and pending gauges per forwarder. */
  metricsText(): Promise<string>;
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function createForwarders(list: readonly ForwarderConfig[], storage: OutboxStorage, log: Logger, opts: { pollMs?: number } = {}): Forwarders {
  const version = agentVersion();
  const names = forwarderNames(list);
  const routes: Route[] = list.map((f, i) => ({ name: names[i] ?? f.type, retry: f.retry, ...senderFor(f, version) }));
  const dispatcher = new Dispatcher(storage, routes, log.child({ component: 'forwarders' }), opts.pollMs);
  return {
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
    async metricsText() {
      if (!list.length) return '';
      const pending = new Map((await storage.outboxStats()).map((s) => [s.forwarder, s]));
      const out: string[] = [];
      const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      const counters = dispatcher.counters;
      for (const [metric, key, help] of [
        ['farmwatch_forwarder_delivered_total', 'delivered', 'Alert events delivered, by forwarder'],
        ['farmwatch_forwarder_failed_total', 'failed', 'Failed send attempts (each is retried), by forwarder'],
        ['farmwatch_forwarder_dropped_total', 'dropped', 'Events given up after retry.giveUpAfterHours, by forwarder'],
      ] as const) {
        family(metric, 'counter', help);
        for (const name of names) out.push(`${metric}{forwarder="${esc(name)}"} ${counters.get(name)?.[key] ?? 0}`);
      }
      family('farmwatch_forwarder_pending', 'gauge', 'Events in the outbox not yet delivered, by forwarder');
      const all = new Set([...names, ...pending.keys()]);
      for (const name of all) out.push(`farmwatch_forwarder_pending{forwarder="${esc(name)}"} ${pending.get(name)?.pending ?? 0}`);
      family('farmwatch_forwarder_oldest_pending_seconds', 'gauge', 'Age of the oldest undelivered event, by forwarder');
      const now = Date.now();
      for (const name of all) out.push(`farmwatch_forwarder_oldest_pending_seconds{forwarder="${esc(name)}"} ${pending.has(name) ? (now - (pending.get(name)?.oldestMs ?? now)) / 1000 : 0}`);
      return `${out.join('\n')}\n`;
    },
  };
}
