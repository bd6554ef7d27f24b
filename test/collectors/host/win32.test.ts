import { describe, expect, it } from 'vitest';
import { parseWinHost, winPower } from '../../../collectors/host/parse-win-host.js';
import { fixture } from '../../helpers/fake-context.js';

const section = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).host.data;
const facts = { hostname: 'LAPTOP-1', arch: 'x64', now: new Date('2026-01-15T15:00:00Z') };

describe('parseWinHost', () => {
  it('reads OS, SMBIOS, MachineGuid, uptime (5.1 /Date()/ form) and power; lid null', () => {
    const { host, notes } = parseWinHost(section, facts);
    expect(host).toMatchObject({
      hostname: 'LAPTOP-1', os: { name: 'Windows 11 Pro', version: '10.0.22631', id: 'windows' }, arch: 'x64',
      machineId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', serial: 'PF4XXXXX', vendor: 'LENOVO', chassis: 'laptop',
      uptimeSeconds: 25200, power: { onAc: true, batteryPercent: 87 }, lid: null,
    });
    expect(host.virtualization).toEqual({ isVirtual: false });
    expect(notes.join(' ')).toMatch(/Hyper-V\/VBS, not a VM/);
  });

  it('a Hyper-V guest is a VM by SMBIOS; a placeholder serial is dropped', () => {
    const { host, notes } = parseWinHost({ ...section, manufacturer: 'Microsoft Corporation', model: 'Virtual Machine', biosSerial: 'To be filled by O.E.M.', chassisTypes: [3] }, facts);
    expect(host.virtualization).toEqual({ isVirtual: true, vendor: 'Hyper-V', evidence: 'Win32_ComputerSystem.Model="Virtual Machine"' });
    expect(host.chassis).toBe('vm');
    expect(host.serial).toBeUndefined();
    expect(notes.join(' ')).toMatch(/placeholder/);
  });

  it('battery statuses: discharging → false, none → null', () => {
    expect(winPower([{ status: 1, charge: 40 }])).toEqual({ onAc: false, batteryPercent: 40 });
    expect(winPower(null)).toEqual({ onAc: null });
    expect(winPower({ status: 6, charge: 101 })).toEqual({ onAc: true });
  });
});
