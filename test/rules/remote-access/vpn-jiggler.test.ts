import { describe, expect, it } from 'vitest';
import { jigglerSoftware, networkVpn } from '../../../rules/remote-access/vpn-jiggler-rules.js';
import { emptySnapshot, proc, ruleContext } from '../../helpers/snapshot.js';

const ctx = ruleContext();
const iface = (name: string, up = true) => ({ name, kind: 'tunnel' as const, up, addresses: [] });

describe('network.vpn', () => {
  it('names Astrill, running from /usr/local/Astrill, at full confidence', () => {
    const s = emptySnapshot({ processes: [proc({ pid: 5, name: 'astrill', exe: '/usr/local/Astrill/astrill' })] });
    const [m] = networkVpn.evaluate(s, ctx);
    expect(m).toMatchObject({ subject: 'astrill', confidence: 1, title: 'Astrill VPN is active' });
    expect(m?.evidence['processes']).toEqual([expect.objectContaining({ pid: 5, exe: '/usr/local/Astrill/astrill' })]);
  });

  it('finds NordVPN by its nordlynx interface alone; mesh VPNs weigh less', () => {
    const nord = networkVpn.evaluate(emptySnapshot({ network: { interfaces: [iface('nordlynx')] } }), ctx);
    expect(nord.map((m) => [m.subject, m.confidence])).toEqual([['nordvpn', 0.6]]);
    const ts = networkVpn.evaluate(emptySnapshot({ processes: [proc({ name: 'tailscaled' })], network: { interfaces: [iface('tailscale0')] } }), ctx);
    expect(ts.map((m) => [m.subject, m.confidence, m.severity])).toEqual([['tailscale', 0.25, 'low']]);
  });

  it('does not take a generic interface or process name alone (wt0, zt…, tun0, helper)', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'helper', exe: '/usr/bin/helper' })], network: { interfaces: [iface('wt0'), iface('ztabcdef12'), iface('tun0'), iface('wlan0')] } });
    expect(networkVpn.evaluate(s, ctx)).toEqual([]);
  });
});

describe('jiggler.software', () => {
  it('finds Mouse Jiggler running and Amphetamine installed, the keep-awake one weaker', () => {
    const s = emptySnapshot({
      processes: [proc({ name: 'MouseJiggler.exe' })],
      software: { items: [{ name: 'Amphetamine', source: 'app-bundle', bundleId: 'com.if.Amphetamine', path: '/Applications/Amphetamine.app' }] },
    });
    const found = jigglerSoftware.evaluate(s, ctx).map((m) => [m.subject, m.confidence]);
    expect(found).toEqual(expect.arrayContaining([['mouse-jiggler', 0.8], ['amphetamine', 0.18]]));
  });
  it('stays quiet for ordinary processes', () => {
    const s = emptySnapshot({ processes: [proc({ name: 'mouse' }), proc({ name: 'gnome-shell' }), proc({ name: 'move' })] });
    expect(jigglerSoftware.evaluate(s, ctx)).toEqual([]);
  });
});
