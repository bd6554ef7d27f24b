import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { collectors } from '../../../collectors/index.js';
import { platformSource } from '../../../collectors/platform.js';
import { collectSnapshot } from '../../../collectors/run.js';
import { snapshotSchema } from '../../../schema/snapshot/index.js';
import type { Collector } from '../../../collectors/types.js';
import { evaluateSnapshot } from '../../../rules/index.js';
import { fakeContext } from '../../helpers/fake-context.js';
import { ruleContext } from '../../helpers/snapshot.js';
import { fakeMac } from './fake-mac.js';

/** Each real collector with its source loaded as on a Mac (platform 'darwin'), whatever this machine is. */
const darwinFiles: Record<string, () => Promise<{ collect: Collector<unknown>['collect'] }>> = {
  host: () => import('../../../collectors/host/darwin.js'),
  processes: () => import('../../../collectors/processes/darwin.js'),
  software: () => import('../../../collectors/software/darwin.js'),
  network: () => import('../../../collectors/network/darwin.js'),
  usb: () => import('../../../collectors/usb/darwin.js'),
  inputs: () => import('../../../collectors/inputs/darwin.js'),
  displays: () => import('../../../collectors/displays/darwin.js'),
  locale: () => import('../../../collectors/locale/darwin.js'),
  sessions: () => import('../../../collectors/sessions/darwin.js'),
  activity: () => import('../../../collectors/activity/darwin.js'),
  remoteSessions: () => import('../../../collectors/remoteSessions/darwin.js'),
};
const onMac = collectors.map((c) => ({
  ...c,
  collect: platformSource<unknown>({ darwin: darwinFiles[c.name]! }, 'darwin'),
})) as Collector<unknown>[];

describe('a whole macOS cycle on the darwin fixtures', () => {
  it('every domain answers ok, the snapshot validates, and the forks per cycle are counted', async () => {
    const ctx = fakeContext(fakeMac());
    const snapshot = await collectSnapshot(onMac, {
      agentVersion: 'test', log: pino({ level: 'silent' }), options: ctx.options, makeContext: () => ctx,
    });
    expect(snapshot.errors).toEqual([]);
    for (const name of collectors.map((c) => c.name)) expect(snapshot.collectors[name]?.status, name).toBe('ok');
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);

    const forks = (names: readonly string[]) => ctx.execCalls.filter((c) => names.includes(c[0]!.replace(/^.*\//, ''))).length;
    // host 3 + processes 1 + network 6 + usb 3 (devices, interfaces, disk inquiry) + inputs 1 + displays 1 + locale 1 + sessions 2 + activity 1 + remoteSessions 1 (log show)
    expect(ctx.execCalls.length).toBe(20);
    expect(forks(['system_profiler', 'plutil', 'networksetup', 'sh', 'bash'])).toBe(0);

    // The rules see the JetKVM on a Mac as they do on Linux: one USB device, keyboard + absolute pointer + storage.
    const ids = evaluateSnapshot(snapshot, ruleContext()).findings.map((f) => f.rule);
    expect(ids).toContain('ipkvm.hid-shape');
    expect(ids.some((id) => id.startsWith('remote-access'))).toBe(true); // AnyDesk process, bundle, launchd job
  });
});
