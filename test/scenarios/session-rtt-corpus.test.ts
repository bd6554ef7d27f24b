import { describe, expect, it } from 'vitest';
import { withSessionRtt } from '../../agent/session-rtt.js';
import { nettopArgs, pingArgs } from '../../collectors/network/session-rtt.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { loadCorpus } from '../../scripts/eval/scenario-corpus.js';
import { fakeContext, fixture } from '../helpers/fake-context.js';

/** The far-session scenarios carry the rttMs the agent's session-RTT step makes of recorded output: rebuilt here. */
const corpus = loadCorpus();
function unmeasured(name: string): Snapshot {
  const s = corpus.find((c) => c.name === name);
  if (!s) throw new Error(`scenario ${name} missing`);
  const copy = structuredClone(s.snapshot);
  // The AnyDesk session socket (pid 8412) as the socket table gives it: no RTT.
  copy.network!.connections = copy.network!.connections.map((c) => { if (c.pid !== 8412) return c; const { rttMs: _rtt, ...rest } = c; return rest; });
  delete copy.collectors.network!.notes;
  return copy;
}
const scenario = (name: string) => corpus.find((c) => c.name === name)!.snapshot;

describe('far-session scenarios are what the agent builds from recorded output', () => {
  it('macOS: recorded nettop output', async () => {
    const ctx = fakeContext({ commands: { [`/usr/bin/nettop ${nettopArgs.join(' ')}`]: fixture('darwin', 'nettop-m-tcp-L1-J-state-rtt_avg.txt') } });
    const built = await withSessionRtt(unmeasured('far-session-mac-nettop'), ctx);
    expect(built.network?.connections).toEqual(scenario('far-session-mac-nettop').network?.connections);
    expect(built.collectors.network?.notes).toEqual(scenario('far-session-mac-nettop').collectors.network?.notes);
  });

  it('Windows with the probe enabled: recorded PING.EXE output', async () => {
    const ping = `C:\\Windows\\System32\\PING.EXE ${pingArgs('203.0.113.77').join(' ')}`;
    const ctx = fakeContext({ env: { SystemRoot: 'C:\\Windows' }, options: { sessionRttProbe: true }, commands: { [ping]: fixture('win32', 'ping-n3-w1000--peer.txt') } });
    const built = await withSessionRtt(unmeasured('far-session-windows-probe'), ctx);
    expect(built.network?.connections).toEqual(scenario('far-session-windows-probe').network?.connections);
    expect(built.collectors.network?.notes).toEqual(scenario('far-session-windows-probe').collectors.network?.notes);
  });
});
