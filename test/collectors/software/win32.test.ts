import { describe, expect, it } from 'vitest';
import { parseWinSoftware, servicePath } from '../../../collectors/software/parse-win-software.js';
import { fixture } from '../../helpers/fake-context.js';

const section = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).software.data;

describe('parseWinSoftware', () => {
  it('Uninstall keys (HKLM, WOW6432Node, user hive) once each, and services with their executable', () => {
    const { items } = parseWinSoftware(section);
    expect(items.filter((i) => i.source === 'registry').map((i) => i.name)).toEqual(['AnyDesk', '7-Zip 23.01 (x64)', 'RustDesk']);
    expect(items.find((i) => i.name === 'AnyDesk' && i.source === 'registry')).toMatchObject({ version: 'ad 8.0.8', publisher: 'AnyDesk Software GmbH' });
    expect(items.find((i) => i.source === 'service' && i.name === 'AnyDesk')).toEqual({
      name: 'AnyDesk', source: 'service', path: 'C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe', enabled: true,
    });
    expect(items.find((i) => i.name === 'TermService')!.enabled).toBe(false);
  });
  it('servicePath handles quoted and unquoted image paths', () => {
    expect(servicePath('C:\\WINDOWS\\system32\\svchost.exe -k rpcss -p')).toBe('C:\\WINDOWS\\system32\\svchost.exe');
    expect(servicePath('"C:\\Program Files\\X\\x.exe" /run')).toBe('C:\\Program Files\\X\\x.exe');
    expect(servicePath('system32\\drivers\\tap0901.sys')).toBe('system32\\drivers\\tap0901.sys');
  });
  it('a single app arrives as an object (ConvertTo-Json) and is still read', () => {
    const { items } = parseWinSoftware({ apps: { name: 'TeamViewer', version: '15.50' }, services: null });
    expect(items).toEqual([{ name: 'TeamViewer', version: '15.50', source: 'registry' }]);
  });
});
