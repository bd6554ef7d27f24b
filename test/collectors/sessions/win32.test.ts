import { describe, expect, it } from 'vitest';
import { parseQuser, sessionsFromQuser } from '../../../collectors/sessions/parse-quser.js';
import { collect } from '../../../collectors/sessions/win32.js';
import { powershell } from '../../../collectors/win32/inventory.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const doc = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json'));

describe('parseQuser', () => {
  it('console, RDP and a disconnected session (no session name)', () => {
    const { rows, skipped } = parseQuser(doc.sessions.data.text);
    expect(skipped).toBe(0);
    expect(rows.map((r) => [r.user, r.sessionName, r.id, r.state, r.current])).toEqual([
      ['jdoe', 'console', 1, 'Active', true], ['operator', 'rdp-tcp#3', 2, 'Active', false], ['olduser', undefined, 3, 'Disc', false],
    ]);
    const sessions = sessionsFromQuser(rows);
    expect(sessions.map((s) => s.type)).toEqual(['console', 'rdp', 'other']);
    expect(sessions[1]!.since).toBe(new Date(2026, 0, 15, 10, 11).toISOString());
  });
  it('a localised header is skipped by shape', () => {
    expect(parseQuser(' BENUTZERNAME  SITZUNGSNAME  ID  STATUS  LEERLAUF  ANMELDEZEIT\r\n>max  console  1  Aktiv  .  15.01.2026 09:02\r\n').rows).toMatchObject([{ user: 'max', id: 1, state: 'Aktiv' }]);
  });
});

describe('sessions win32 source', () => {
  it('nobody signed in: an empty list with a note', async () => {
    const d = { ...doc, sessions: { data: { exitCode: 1, text: 'No User exists for *\r\n' } } };
    const r = await collect(fakeContext({ commands: { [powershell]: JSON.stringify(d) } }));
    expect(r).toMatchObject({ status: 'ok', data: { sessions: [] }, notes: ['quser: no user signed in'] });
  });
  it('Windows Home (no quser.exe): the console user only, said so', async () => {
    const d = { ...doc, sessions: { error: 'quser.exe is not installed (command-missing)' } };
    const r = await collect(fakeContext({ commands: { [powershell]: JSON.stringify(d) } }));
    expect(r).toMatchObject({ status: 'ok', data: { sessions: [{ user: 'CONTOSO\\jdoe', type: 'console' }] } });
  });
});
