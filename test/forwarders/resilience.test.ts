import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { admin, cleanup, enroll, makeReport, postReport, startServer, type Running } from '../server/helpers.js';
import { closedPort, highReport, httpReceiver, tcpSyslogReceiver, waitFor } from './receivers.js';

const fast = { minDelayMs: 50, maxDelayMs: 300, timeoutMs: 1_000 };

async function metric(server: Running, line: RegExp): Promise<number> {
  const text = await fetch(`${server.url}/metrics`, { headers: admin }).then((r) => r.text());
  const m = text.match(line);
  return m ? Number(m[1]) : Number.NaN;
}

/** Accepts TCP connections and never answers: an HTTP target that hangs until our timeout. */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('forwarders with a target down', () => {
  it('retries with backoff while the syslog target refuses, and delivers once it is up', async () => {
    const port = await closedPort();
    const server = await startServer({ forwarders: [{ type: 'syslog', host: '127.0.0.1', port, protocol: 'tcp', format: 'cef', retry: fast }] }, { forwarderPollMs: 50 });
    try {
      const { token } = await enroll(server.url, 'down-1');
      expect((await postReport(server.url, token, makeReport('down-1', highReport()))).status).toBe(202);
      // Several refused attempts, the event still waiting.
      for (;;) {
        if ((await metric(server, /farmwatch_forwarder_failed_total\{forwarder="syslog"\} (\d+)/)) >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await metric(server, /farmwatch_forwarder_pending\{forwarder="syslog"\} (\d+)/)).toBe(1);
      expect(await metric(server, /farmwatch_forwarder_delivered_total\{forwarder="syslog"\} (\d+)/)).toBe(0);

      const receiver = await tcpSyslogReceiver(port);
      try {
        await waitFor(() => receiver.messages.length > 0, 5_000, 'delivery after the target came up');
        expect(receiver.messages).toHaveLength(1);
        expect(receiver.messages[0]).toContain('dhost=down-1.local');
        expect(await metric(server, /farmwatch_forwarder_delivered_total\{forwarder="syslog"\} (\d+)/)).toBe(1);
        expect(await metric(server, /farmwatch_forwarder_pending\{forwarder="syslog"\} (\d+)/)).toBe(0);
      } finally {
        await receiver.close();
      }
    } finally {
      await server.close();
      cleanup(server.dir);
    }
  });

  it('does not slow ingest: reports with a refusing and a hanging target take less than twice as long as with none', async () => {
    const hole = await blackHole();
    const port = await closedPort();
    const withDead = await startServer(
      {
        forwarders: [
          { type: 'syslog', host: '127.0.0.1', port, protocol: 'tcp', format: 'cef', retry: fast },
          { type: 'webhook', url: hole.url, format: 'slack', retry: fast },
        ],
      },
      { forwarderPollMs: 50 },
    );
    const without = await startServer();
    try {
      const devices = 10;
      // Each round sends the first report of fresh devices: every one opens an alert and writes outbox rows.
      const round = async (server: Running, r: number) => {
        const tokens: string[] = [];
        for (let i = 0; i < devices; i++) tokens.push((await enroll(server.url, `busy-${r}-${i}`)).token);
        const start = performance.now();
        await Promise.all(
          tokens.map(async (token, i) => {
            const res = await postReport(server.url, token, makeReport(`busy-${r}-${i}`, highReport()));
            if (res.status !== 202) throw new Error(`ingest ${res.status}`);
          }),
        );
        return performance.now() - start;
      };
      const took = { dead: 0, none: 0 };
      // Interleaved rounds, so a busy moment of the machine falls on both sides alike.
      for (let r = 0; r < 8; r++) {
        took.dead += await round(withDead, r);
        took.none += await round(without, r);
      }
      const failed = await metric(withDead, /farmwatch_forwarder_failed_total\{forwarder="syslog"\} (\d+)/);
      const pending = await metric(withDead, /farmwatch_forwarder_pending\{forwarder="webhook"\} (\d+)/);
      expect(failed).toBeGreaterThan(0);
      expect(pending).toBeGreaterThanOrEqual(devices);
      // Behaviour, not a benchmark: a blocked ingest would take seconds (the hanging target's 1 s timeout per send);
      // the constant 100 ms absorbs scheduler noise on a loaded 2-core machine.
      if (process.env.FW_PRINT) console.log(`ingest of ${8 * devices} reports: ${took.dead.toFixed(0)} ms with dead targets, ${took.none.toFixed(0)} ms without`);
      expect(took.dead).toBeLessThan(2 * took.none + 100);
    } finally {
      await Promise.all([withDead.close(), without.close()]);
      await hole.close();
      cleanup(withDead.dir);
      cleanup(without.dir);
    }
  });

  it('delivers after a restart an event written to the outbox before it', async () => {
    const port = await closedPort();
    const first = await startServer({ forwarders: [{ type: 'webhook', url: `http://127.0.0.1:${port}/hook`, format: 'json', retry: fast }] }, { forwarderPollMs: 50 });
    const { token } = await enroll(first.url, 'restart-1');
    expect((await postReport(first.url, token, makeReport('restart-1', highReport()))).status).toBe(202);
    for (;;) {
      if ((await metric(first, /farmwatch_forwarder_failed_total\{forwarder="webhook"\} (\d+)/)) >= 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await metric(first, /farmwatch_forwarder_pending\{forwarder="webhook"\} (\d+)/)).toBe(1);
    await first.close();

    // Same database, same forwarder name, the target now up (at another address).
    const receiver = await httpReceiver();
    const second = await startServer({ forwarders: [{ type: 'webhook', url: `${receiver.url}/hook`, format: 'json', retry: fast }] }, { forwarderPollMs: 50 }, first.dir);
    try {
      await waitFor(() => receiver.requests.length > 0, 5_000, 'the event written before the restart');
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.requests).toHaveLength(1);
      const body = JSON.parse(receiver.requests[0]?.body ?? '');
      expect(body).toMatchObject({ kind: 'new', alert: { rule: 'remote-access.running', deviceIds: ['restart-1'] } });
      expect(await metric(second, /farmwatch_forwarder_pending\{forwarder="webhook"\} (\d+)/)).toBe(0);
    } finally {
      await second.close();
      await receiver.close();
      cleanup(first.dir);
    }
  });
});

describe('forwarders at shutdown', () => {
  it('close() does not wait for a hanging target; the event is sent after the next start', async () => {
    const hole = await blackHole();
    const first = await startServer({ forwarders: [{ type: 'webhook', url: hole.url, format: 'json', name: 'soc', retry: { timeoutMs: 30_000 } }] }, { forwarderPollMs: 50 });
    const { token } = await enroll(first.url, 'stop-1');
    expect((await postReport(first.url, token, makeReport('stop-1', highReport()))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // the send is in flight, hanging
    const t0 = Date.now();
    await first.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    await hole.close();

    const receiver = await httpReceiver();
    const second = await startServer({ forwarders: [{ type: 'webhook', url: `${receiver.url}/hook`, format: 'json', name: 'soc', retry: { minDelayMs: 50, maxDelayMs: 100 } }] }, { forwarderPollMs: 50 }, first.dir);
    try {
      await waitFor(() => receiver.requests.length > 0, 5_000, 'the event aborted at shutdown');
      expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ alert: { deviceIds: ['stop-1'] } });
    } finally {
      await second.close();
      await receiver.close();
      cleanup(first.dir);
    }
  });
});
