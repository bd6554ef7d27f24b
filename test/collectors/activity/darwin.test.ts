import { describe, expect, it } from 'vitest';
import { collect, ioregHidSystem } from '../../../collectors/activity/darwin.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const key = `ioreg ${ioregHidSystem.join(' ')}`;

describe('activity darwin source', () => {
  it('reads HIDIdleTime (nanoseconds) from the hand-written and the real macOS 13 IOHIDSystem node', async () => {
    const real = await collect(fakeContext({ commands: { [key]: fixture('darwin', 'ioreg-hidsystem--checkaudio-macos13.txt') } }));
    // 317321627 ns in the capture: under a second idle.
    expect(real).toEqual({ status: 'ok', data: { idleSeconds: 0, source: 'IOHIDSystem HIDIdleTime' } });
    const ours = await collect(fakeContext({ commands: { [key]: fixture('darwin', 'ioreg-hidsystem.txt') } }));
    expect(ours.status === 'ok' && typeof ours.data.idleSeconds).toBe('number');
  });

  it('no IOHIDSystem node: idle unknown with the reason; no ioreg: command-missing', async () => {
    expect(await collect(fakeContext({ commands: { [key]: '' } }))).toMatchObject({ status: 'ok', data: { idleSeconds: null, unavailableReason: expect.stringMatching(/no HIDIdleTime/) } });
    expect(await collect(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
