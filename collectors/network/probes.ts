import { connect } from 'node:net';
import type { Probe } from '../../schema/snapshot/network.js';
import { monotonicMs } from '../../common/clock.js';

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * TCP connect time to one anchor (SYN → SYN-ACK, about one RTT). Timing starts after the DNS lookup,
 * so a slow resolver does not count as distance. Never throws: failures are `rttMs: null` with an error.
 */
export function probeTcp(host: string, port: number, opts: ProbeOptions = {}): Promise<Probe> {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  return new Promise((resolve) => {
    if (opts.signal?.aborted) return resolve({ host, port, rttMs: null, error: 'aborted' });
    let started = monotonicMs();
    let done = false;
    const socket = connect({ host, port });
    const finish = (probe: Probe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(probe);
    };
    const onAbort = () => finish({ host, port, rttMs: null, error: 'aborted' });
    const timer = setTimeout(() => finish({ host, port, rttMs: null, error: `timeout after ${timeoutMs} ms` }), timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('lookup', (err) => {
      if (!err) started = monotonicMs();
    });
    socket.once('connect', () => finish({ host, port, rttMs: Math.round((monotonicMs() - started) * 100) / 100 }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ host, port, rttMs: null, error: err.code ?? err.message }));
  });
}

/** All configured anchors, concurrently; none configured → no connection at all. */
export function runProbes(anchors: readonly { host: string; port: number }[], opts: ProbeOptions = {}): Promise<Probe[]> {
  return Promise.all(anchors.map((a) => probeTcp(a.host, a.port, opts)));
}
