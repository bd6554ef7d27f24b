import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect } from '../../../collectors/software/darwin.js';
import { softwareSchema } from '../../../schema/snapshot/software.js';
import { fakeContext, fixturesDir } from '../../helpers/fake-context.js';

const f = (n: string) => readFileSync(join(fixturesDir, 'darwin', n));

describe('software darwin source', () => {
  it('app bundles (binary and XML Info.plist) and launchd jobs, with no fork', async () => {
    const ctx = fakeContext({
      dirs: {
        '/Users': ['Shared', 'alice', '.localized'], '/Applications': ['AnyDesk.app', 'Google Chrome.app', 'Broken.app', '.DS_Store'],
        '/Applications/Utilities': [], '/Library/LaunchDaemons': ['com.anydesk.anydesk.service.plist'], '/Library/LaunchAgents': [],
        '/Users/alice/Library/LaunchAgents': ['com.example.updater.plist'],
      },
      files: {
        '/Applications/AnyDesk.app/Contents/Info.plist': f('Info.plist--AnyDesk.plist'),
        '/Applications/Google Chrome.app/Contents/Info.plist': f('Info.plist--Google Chrome.plist'),
        '/Applications/Broken.app/Contents/Info.plist': f('Info.plist--AnyDesk.plist').subarray(0, 50),
        '/Library/LaunchDaemons/com.anydesk.anydesk.service.plist': f('launchd--com.anydesk.anydesk.service.plist'),
        '/Users/alice/Library/LaunchAgents/com.example.updater.plist': f('launchd--com.example.updater.plist'),
      },
    });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(softwareSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(0);
    expect(r.data.items).toEqual(expect.arrayContaining([
      { name: 'AnyDesk', source: 'app-bundle', path: '/Applications/AnyDesk.app', version: '8.1.0', bundleId: 'com.philandro.anydesk' },
      { name: 'Google Chrome', source: 'app-bundle', path: '/Applications/Google Chrome.app', version: '131.0.6778.86', bundleId: 'com.google.Chrome' },
      { name: 'Broken', source: 'app-bundle', path: '/Applications/Broken.app' },
      { name: 'com.anydesk.anydesk.service', source: 'launchd', path: '/Library/LaunchDaemons/com.anydesk.anydesk.service.plist', enabled: true },
      { name: 'com.example.updater', source: 'launchd', path: '/Users/alice/Library/LaunchAgents/com.example.updater.plist', enabled: false },
    ]));
    expect(r.data.items).toHaveLength(5);
    expect(r.notes?.join('\n')).toMatch(/1 app bundle\(s\) without a readable Info.plist/);
  });

  it('an unreadable /Applications is an error, not an empty list', async () => {
    const ctx = fakeContext({ dirs: { '/Users': [] } });
    ctx.readDir = async (p) => {
      if (p === '/Applications') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(await collect(ctx)).toMatchObject({ status: 'error', code: 'permission-denied' });
  });
});
