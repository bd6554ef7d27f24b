import { defineRule } from '../types.js';

export const hostVirtualMachine = defineRule({
  id: 'host.virtual-machine',
  title: 'The agent runs inside a virtual machine',
  description:
    'SMBIOS/DMI says the machine itself is a virtual machine (not that it hosts one: a laptop with Hyper-V or WSL is ' +
    'not a VM). A company laptop image running as a VM can be reached from anywhere and hides the hardware.',
  // Low alone (score ≈ 27): VDI and CI machines are VMs too; it adds weight beside KVM or remote-access findings.
  severity: 'low',
  weight: 0.3,
  group: 'host',
  attack: ['T1564.006'],
  falsePositives: ['Sanctioned virtual desktops (VDI, cloud PCs) and test machines'],
  evaluate(snapshot) {
    const host = snapshot.host;
    if (!host?.virtualization.isVirtual) return [];
    const evidence: Record<string, unknown> = { isVirtual: true };
    if (host.virtualization.vendor !== undefined) evidence.vendor = host.virtualization.vendor;
    if (host.virtualization.evidence !== undefined) evidence.smbios = host.virtualization.evidence;
    if (host.model !== undefined) evidence.model = host.model;
    return [{ confidence: 0.9, evidence }];
  },
});
