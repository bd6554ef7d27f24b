import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNetshWlan } from '../../../collectors/network/parse-netsh-wlan.js';
import { parseNetstatWin } from '../../../collectors/network/parse-netstat-win.js';
import { parseQuser } from '../../../collectors/sessions/parse-quser.js';
import { inventorySections, parseInventory } from '../../../collectors/win32/inventory.js';
import { fixture, fixturesDir } from '../../helpers/fake-context.js';

/**
 * Every file test/helpers/record-fixtures.ps1 writes (and copied into test/fixtures/win32/) is read here by its name
 * pattern, so a new recording is tested the moment it is added.
 */
const files = readdirSync(join(fixturesDir, 'win32'));
const named = (re: RegExp) => files.filter((f) => re.test(f));

describe('recorded Windows fixtures', () => {
  it.each(named(/^inventory-.+\.json$/))('%s: a JSON document with every section, each data or an error', (name) => {
    const inv = parseInventory(fixture('win32', name));
    if ('failed' in inv) throw new Error(inv.message);
    for (const section of inventorySections) {
      const s = inv.section(section);
      if (!s.ok) expect(s.message, `${name} ${section}`).not.toMatch(/has no/);
    }
  });
  it.each(named(/^netstat-ano-.+\.txt$/))('%s: every row read, each with a pid', (name) => {
    const { sockets, skipped } = parseNetstatWin(fixture('win32', name));
    expect(skipped).toBe(0);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((s) => s.pid !== undefined)).toBe(true);
  });
  it.each(named(/^netsh-wlan-show-interfaces-.+\.txt$/))('%s: interfaces or a stated refusal', (name) => {
    const r = parseNetshWlan(fixture('win32', name));
    expect(r.interfaces.length > 0 || r.refused !== undefined).toBe(true);
  });
  it.each(named(/^quser-.+\.txt$/).length ? named(/^quser-.+\.txt$/) : [])('%s: session rows', (name) => {
    const text = fixture('win32', name);
    expect(parseQuser(text).rows.length > 0 || /No User exists|not installed/.test(text)).toBe(true);
  });
  it('the recorded set is not empty', () => {
    expect(named(/^inventory-.+\.json$/).length).toBeGreaterThan(0);
    expect(named(/^netstat-ano-.+\.txt$/).length).toBeGreaterThan(0);
  });
});
