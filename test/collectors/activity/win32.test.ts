import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/activity/win32.js';
import { fakeContext } from '../../helpers/fake-context.js';

describe('activity win32 source', () => {
  it('reports idle time as unknown with the reason, and starts nothing', async () => {
    const ctx = fakeContext();
    const r = await collect(ctx);
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: null, unavailableReason: expect.stringMatching(/session 0/) } });
    expect(ctx.execCalls).toEqual([]);
  });
});
