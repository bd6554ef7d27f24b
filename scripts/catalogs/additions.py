"""farmwatch's own additions to the remote-access catalog (Linux/macOS names, bundle ids, paths), each with its source.
`uncertain: True` marks a name we could not confirm from a vendor page or package and took from secondary material."""

def P(name, os, src=None, kind='process', uncertain=False):
    d = {'n': name, 'os': os, 'kind': kind}
    if src: d['src'] = src
    if uncertain: d['uncertain'] = True
    return d

CRD_SRC = 'chromium src remoting/host/linux/linux_me2me_host.py and the chrome-remote-desktop .deb (dl.google.com/linux/chrome-remote-desktop/deb), unit chrome-remote-desktop@.service'
ANYDESK_SRC = 'AnyDesk Linux packages (deb.anydesk.com: /usr/bin/anydesk, /usr/share/anydesk, anydesk.service) and macOS bundle (support.anydesk.com macOS pages)'
RUSTDESK_SRC = 'rustdesk/rustdesk res/rustdesk.service (ExecStart=/usr/bin/rustdesk --service) and flutter/macos Info.plist (com.carriez.rustdesk)'
TV_SRC = 'TeamViewer Linux package (teamviewer.com/en/download/linux: /opt/teamviewer, teamviewerd.service) and macOS bundle'

def tool(names=(), **kw):
    out = dict(kw)
    out['names'] = [{'n': n['n'], 'os': n['os'], 'kind': n['kind'], 'src': n.get('src'), 'uncertain': n.get('uncertain', False)} for n in names]
    return out

ADDITIONS = {
 'anydesk': tool([P('anydesk', 'linux', ANYDESK_SRC), P('anydesk', 'linux', ANYDESK_SRC, 'service'), P('anydesk', 'linux', ANYDESK_SRC, 'package'),
                  P('AnyDesk', 'darwin', ANYDESK_SRC)],
    category='remote-desktop', vendor='AnyDesk Software', bundleIds=['com.philandro.anydesk'],
    paths=[{'path': '/usr/share/anydesk', 'os': 'linux'}, {'path': '/usr/libexec/anydesk', 'os': 'linux'},
           {'path': '/Applications/AnyDesk.app', 'os': 'darwin'}, {'path': 'C:/Program Files (x86)/AnyDesk', 'os': 'win32'},
           {'path': 'C:/Program Files/AnyDesk', 'os': 'win32'}],
    ports=[{'port': 7070, 'protocol': 'tcp', 'note': 'direct connections (AnyDesk listens on 7070)'}, {'port': 6568, 'protocol': 'tcp'}],
    source='Linux/macOS: ' + ANYDESK_SRC),
 'chrome-remote-desktop': tool([
    P('chrome-remote-desktop-host', 'linux', CRD_SRC), P('chrome-remote-desktop', 'linux', CRD_SRC), P('remoting_me2me_host', 'linux', CRD_SRC),
    P('chrome-remote-desktop', 'linux', CRD_SRC, 'package'), P('chrome-remote-desktop@', 'linux', CRD_SRC, 'service'),
    P('chrome-remote-desktop', 'linux', CRD_SRC, 'service'), P('remoting_user_session', 'linux', CRD_SRC),
    P('remoting_host', 'win32', 'LOLRMM/Splunk remoting_host.exe; service name "chromoting" (SigmaHQ win_security_service_install_remote_access_software)'),
    P('chromoting', 'win32', 'SigmaHQ/sigma win_security_service_install_remote_access_software.yml (DRL 1.1)', 'service'),
    P('ChromeRemoteDesktopHost', 'darwin', 'chromium src remoting/host/installer/mac (ChromeRemoteDesktopHost.app in /Library/PrivilegedHelperTools)', 'app')],
    category='remote-desktop', vendor='Google', bundleIds=['org.chromium.chromoting', 'com.google.chrome.remote_desktop.remote_assistance_host', 'com.google.chromeremotedesktop.me2me-host'],
    paths=[{'path': '/opt/google/chrome-remote-desktop', 'os': 'linux'},
           {'path': '/Library/PrivilegedHelperTools/ChromeRemoteDesktopHost.app', 'os': 'darwin'},
           {'path': 'C:/Program Files (x86)/Google/Chrome Remote Desktop', 'os': 'win32'},
           {'path': 'C:/Program Files/Google/Chrome Remote Desktop', 'os': 'win32'}],
    source='Linux/macOS: ' + CRD_SRC + '; launchd label org.chromium.chromoting (chromium remoting/host/installer/mac); com.google.chromeremotedesktop.me2me-host is UNCERTAIN'),
 'rustdesk': tool([P('rustdesk', 'linux', RUSTDESK_SRC), P('rustdesk', 'linux', RUSTDESK_SRC, 'service'), P('rustdesk', 'linux', RUSTDESK_SRC, 'package'),
                   P('RustDesk', 'darwin', RUSTDESK_SRC), P('RustDesk', 'win32', RUSTDESK_SRC, 'service')],
    category='remote-desktop', vendor='Purslane (RustDesk)', bundleIds=['com.carriez.rustdesk'],
    paths=[{'path': '/usr/share/rustdesk', 'os': 'linux'}, {'path': '/usr/lib/rustdesk', 'os': 'linux'},
           {'path': '/Applications/RustDesk.app', 'os': 'darwin'}, {'path': 'C:/Program Files/RustDesk', 'os': 'win32'}],
    ports=[{'port': p, 'protocol': 'tcp'} for p in (21115, 21116, 21117, 21118, 21119)],
    source='Linux/macOS: ' + RUSTDESK_SRC + '; ports: rustdesk/rustdesk-server docs (21115-21119)'),
 'teamviewer': tool([P('teamviewerd', 'linux', TV_SRC), P('TeamViewer', 'linux', TV_SRC), P('teamviewerd', 'linux', TV_SRC, 'service'),
                     P('teamviewer', 'linux', TV_SRC, 'package'), P('teamviewer-host', 'linux', TV_SRC, 'package'),
                     P('TeamViewer', 'darwin', TV_SRC), P('TeamViewer_Service', 'darwin', TV_SRC), P('TeamViewer_Desktop', 'darwin', TV_SRC),
                     P('TeamViewer', 'win32', 'SigmaHQ win_security_service_install_remote_access_software.yml', 'service')],
    category='remote-desktop', vendor='TeamViewer', bundleIds=['com.teamviewer.TeamViewer', 'com.teamviewer.teamviewer_service', 'com.teamviewer.TeamViewerHost'],
    paths=[{'path': '/opt/teamviewer', 'os': 'linux'}, {'path': '/Applications/TeamViewer.app', 'os': 'darwin'},
           {'path': '/Applications/TeamViewerHost.app', 'os': 'darwin'},
           {'path': 'C:/Program Files/TeamViewer', 'os': 'win32'}, {'path': 'C:/Program Files (x86)/TeamViewer', 'os': 'win32'}],
    ports=[{'port': 5938, 'protocol': 'tcp'}, {'port': 5939, 'protocol': 'tcp', 'note': 'local IPC between GUI and daemon'}],
    source='Linux/macOS: ' + TV_SRC),
 'logmein': tool([P('LogMeIn', 'darwin', 'LogMeIn for Mac (support.logmein.com host install pages)', uncertain=True),
                  P('LogMeIn', 'win32', 'SigmaHQ win_security_service_install_remote_access_software.yml', 'service'),
                  P('LMIGuardianSvc', 'win32', 'SigmaHQ win_security_service_install_remote_access_software.yml', 'service')],
    category='remote-desktop', bundleIds=['com.logmein.logmeinserver', 'com.logmein.LogMeInGUI'],
    paths=[{'path': '/Library/Application Support/LogMeIn', 'os': 'darwin'}, {'path': 'C:/Program Files (x86)/LogMeIn', 'os': 'win32'}],
    source='macOS names UNCERTAIN (LogMeIn support pages, not confirmed from a bundle)'),
 'gotomypc': tool([P('GoToMyPC', 'darwin', 'GoToMyPC for Mac (support.goto.com)', uncertain=True)],
    bundleIds=['com.citrixonline.GoToMyPC'], paths=[{'path': '/Applications/GoToMyPC.app', 'os': 'darwin'}],
    source='macOS names UNCERTAIN'),
 'gotoassist-goto-resolve': tool([P('GoTo Resolve', 'darwin', 'GoTo Resolve unattended agent for macOS (support.goto.com)', 'app', True)],
    source='macOS app name UNCERTAIN'),
 'screenconnect': tool([P('screenconnect-*', 'linux', 'ScreenConnect Linux client install (docs.connectwise.com: /opt/screenconnect-<thumbprint>, unit screenconnect-<thumbprint>)', 'service'),
                        P('connectwisecontrol-*', 'darwin', 'ScreenConnect macOS client (docs.connectwise.com: /opt/connectwisecontrol-<thumbprint>.app, launchd label)', 'app'),
                        P('ScreenConnect.ClientService', 'any', 'ScreenConnect client service (java/mono on Linux and macOS)')],
    category='remote-support', vendor='ConnectWise',
    paths=[{'path': '/opt/screenconnect-*', 'os': 'linux'}, {'path': '/opt/connectwisecontrol-*', 'os': 'darwin'},
           {'path': 'C:/Program Files (x86)/ScreenConnect Client*', 'os': 'win32'}],
    ports=[{'port': 8040, 'protocol': 'tcp', 'note': 'self-hosted web'}, {'port': 8041, 'protocol': 'tcp', 'note': 'relay, UNVERIFIED'}],
    source='Linux/macOS: docs.connectwise.com ScreenConnect client install locations'),
 'splashtop': tool([P('SRStreamer', 'linux', 'Splashtop Streamer for Linux (support-splashtopbusiness.splashtop.com: package splashtop-streamer, /opt/splashtop-streamer, SRStreamer)'),
                    P('splashtop-streamer', 'linux', 'Splashtop Streamer for Linux package', 'package'),
                    P('SRStreamerDaemon', 'linux', 'Splashtop Streamer for Linux', uncertain=True),
                    P('Splashtop Streamer', 'darwin', 'Splashtop Streamer for Mac', 'app'),
                    P('SplashtopRemoteService', 'win32', 'SigmaHQ win_security_service_install_remote_access_software.yml', 'service')],
    category='remote-desktop', bundleIds=['com.splashtop.stremote.streamer'],
    paths=[{'path': '/opt/splashtop-streamer', 'os': 'linux'}, {'path': '/Applications/Splashtop Streamer.app', 'os': 'darwin'},
           {'path': 'C:/Program Files (x86)/Splashtop', 'os': 'win32'}],
    source='Linux/macOS: Splashtop support pages (bundle id UNCERTAIN)'),
 'realvnc': tool([P('vncserver-x11', 'linux', 'RealVNC Server for Linux (help.realvnc.com: vncserver-x11, vncserver-x11-serviced, vncserver-x11-serviced.service)'),
                  P('vncserver-x11-serviced', 'linux', 'RealVNC Server for Linux'), P('vncserver-x11-core', 'linux', 'RealVNC Server for Linux'),
                  P('vncserver-x11-serviced', 'linux', 'RealVNC Server for Linux', 'service'), P('realvnc-vnc-server', 'linux', 'RealVNC Server .deb', 'package'),
                  P('vncserver', 'linux', 'RealVNC/TigerVNC vncserver wrapper (generic name)'),
                  P('RealVNC Server', 'darwin', 'RealVNC Server for macOS', 'app', True)],
    category='remote-desktop', vendor='RealVNC', bundleIds=['com.realvnc.vncserver'],
    paths=[{'path': '/usr/lib/vnc', 'os': 'linux', 'uncertain': True}, {'path': '/Library/vnc', 'os': 'darwin'}, {'path': 'C:/Program Files/RealVNC', 'os': 'win32'}],
    ports=[{'port': 5900, 'protocol': 'tcp'}],
    source='Linux/macOS: help.realvnc.com RealVNC Server pages'),
 'tigervnc': tool([P('Xvnc', 'linux', 'TigerVNC (tigervnc.org; Debian tigervnc-standalone-server: Xvnc, vncserver, x0vncserver)'),
                   P('x0vncserver', 'linux', 'TigerVNC x0vncserver'), P('Xtigervnc', 'linux', 'Debian tigervnc-standalone-server'),
                   P('tigervncserver', 'linux', 'Debian tigervnc-standalone-server'),
                   P('tigervnc-standalone-server', 'linux', 'Debian package', 'package'), P('tigervnc-scraping-server', 'linux', 'Debian package', 'package'),
                   P('tigervnc-server', 'linux', 'Fedora/RHEL package', 'package'), P('vncserver@', 'linux', 'tigervnc-server vncserver@.service unit', 'service')],
    category='remote-desktop', ports=[{'port': 5900, 'protocol': 'tcp'}, {'port': 5901, 'protocol': 'tcp'}],
    source='Linux: TigerVNC packaging (Debian tigervnc, Fedora tigervnc-server)'),
 'tightvnc': tool([P('Xtightvnc', 'linux', 'Debian tightvncserver package'), P('tightvncserver', 'linux', 'Debian tightvncserver package'),
                   P('tightvncserver', 'linux', 'Debian package', 'package'), P('tvnserver', 'win32', 'LOLRMM', 'service')],
    category='remote-desktop', source='Linux: Debian tightvncserver package'),
 'nomachine': tool([P('nxserver', 'linux', 'NoMachine for Linux (kb.nomachine.com: /usr/NX/bin/nxserver, nxnode, nxd; nxserver.service)'),
                    P('nxserver', 'linux', 'NoMachine nxserver.service', 'service'), P('nomachine', 'linux', 'NoMachine .deb/.rpm package', 'package'),
                    P('NoMachine', 'darwin', 'NoMachine for macOS', 'app')],
    category='remote-desktop', vendor='NoMachine', bundleIds=['com.nomachine.nxdock', 'com.nomachine.nxserver'],
    paths=[{'path': '/usr/NX', 'os': 'linux'}, {'path': '/Applications/NoMachine.app', 'os': 'darwin'}, {'path': 'C:/Program Files/NoMachine', 'os': 'win32'}],
    ports=[{'port': 4000, 'protocol': 'tcp', 'note': 'NX protocol; shared with common developer servers'}],
    source='Linux/macOS: kb.nomachine.com (macOS bundle ids UNCERTAIN)'),
 'parsec': tool([P('parsecd', 'linux', 'Parsec for Linux .deb (support.parsec.app: /usr/bin/parsecd)'), P('parsec-linux', 'linux', 'Parsec .deb', 'package', True),
                 P('parsecd', 'darwin', 'Parsec for macOS'), P('Parsec', 'win32', 'SigmaHQ win_security_service_install_remote_access_software.yml', 'service')],
    category='remote-desktop', bundleIds=['tv.parsec.www'],
    paths=[{'path': '/Applications/Parsec.app', 'os': 'darwin'}, {'path': 'C:/Program Files/Parsec', 'os': 'win32'}],
    source='Linux/macOS: support.parsec.app (bundle id tv.parsec.www UNCERTAIN)'),
 'dw-service': tool([P('dwagent', 'linux', 'DWService agent (dwservice.net: installs in /usr/share/dwagent, unit dwagent.service; processes dwagent, dwagsvc)'),
                     P('dwagsvc', 'linux', 'DWService agent'), P('dwagent', 'linux', 'DWService dwagent.service', 'service'),
                     P('DWAgent', 'darwin', 'DWService agent for macOS', 'app', True)],
    category='remote-desktop', vendor='DWService',
    paths=[{'path': '/usr/share/dwagent', 'os': 'linux'}, {'path': '/Library/DWAgent', 'os': 'darwin', 'uncertain': True}, {'path': 'C:/Program Files/DWAgent', 'os': 'win32'}],
    source='Linux/macOS: dwservice.net agent install notes (macOS UNCERTAIN)'),
 'meshcentral': tool([P('meshagent', 'linux', 'MeshCentral agent (ylianst/MeshAgent: /usr/local/mesh_services/meshagent, meshagent.service)'),
                      P('meshagent', 'linux', 'MeshCentral meshagent.service', 'service'), P('meshagent', 'darwin', 'MeshCentral agent for macOS'),
                      P('Mesh Agent', 'win32', 'SigmaHQ win_system_service_install_mesh_agent.yml', 'service')],
    category='remote-desktop', vendor='MeshCentral',
    paths=[{'path': '/usr/local/mesh_services', 'os': 'linux'}, {'path': '/usr/local/mesh_services', 'os': 'darwin'},
           {'path': 'C:/Program Files/Mesh Agent', 'os': 'win32'}],
    source='Linux/macOS: ylianst/MeshAgent install script (meshinstall-linux.sh)'),
 'xrdp': tool([P('xrdp', 'linux', 'neutrinolabs/xrdp packaging (xrdp.service, xrdp-sesman.service)'), P('xrdp-sesman', 'linux', 'neutrinolabs/xrdp'),
               P('xrdp', 'linux', 'xrdp.service', 'service'), P('xrdp-sesman', 'linux', 'xrdp-sesman.service', 'service'),
               P('xrdp', 'linux', 'Debian/Fedora package xrdp', 'package'), P('xorgxrdp', 'linux', 'Debian package xorgxrdp', 'package')],
    category='remote-desktop', vendor='xrdp project', paths=[{'path': '/etc/xrdp', 'os': 'linux'}],
    ports=[{'port': 3389, 'protocol': 'tcp'}], source='Linux: neutrinolabs/xrdp'),
 'sunlogin': tool([P('sunloginclient', 'linux', 'Oray SunloginClient for Linux (sunlogin.oray.com: /usr/local/sunlogin, runsunloginclient.service)'),
                   P('runsunloginclient', 'linux', 'Oray runsunloginclient.service', 'service'), P('sunloginclient', 'linux', 'Oray .deb', 'package'),
                   P('SunloginClient', 'darwin', 'Oray SunloginClient for macOS', 'app', True),
                   P('SunloginService', 'win32', 'Oray SunloginClient Windows service', 'service', True)],
    category='remote-desktop', vendor='Oray', bundleIds=['com.oray.sunlogin.macclient'],
    paths=[{'path': '/usr/local/sunlogin', 'os': 'linux'}, {'path': '/Applications/SunloginClient.app', 'os': 'darwin'}],
    source='Linux/macOS: sunlogin.oray.com download pages (macOS names and bundle id UNCERTAIN)'),
 'todesk': tool([P('todesk', 'linux', 'ToDesk for Linux (todesk.com/linux: /opt/todesk, todeskd.service)'), P('ToDesk_Service', 'linux', 'ToDesk for Linux', uncertain=True),
                 P('todeskd', 'linux', 'ToDesk todeskd.service', 'service'), P('todesk', 'linux', 'ToDesk .deb', 'package'),
                 P('ToDesk', 'darwin', 'ToDesk for macOS', 'app')],
    category='remote-desktop', vendor='ToDesk', bundleIds=['com.youqu.todesk.mac'],
    paths=[{'path': '/opt/todesk', 'os': 'linux'}, {'path': '/Applications/ToDesk.app', 'os': 'darwin'}],
    source='Linux/macOS: todesk.com download pages (bundle id UNCERTAIN)'),
 'apple-remote-desktop': tool([P('ARDAgent', 'darwin', 'macOS /System/Library/CoreServices/RemoteManagement/ARDAgent.app')],
    category='remote-desktop', vendor='Apple',
    source='ARDAgent ships with macOS and runs when Remote Management is on; screensharingd (the OS\'s own Screen Sharing) is NOT catalogued as a tool: see sessions'),
 'hoptodesk': tool([P('hoptodesk', 'linux', 'HopToDesk for Linux (hoptodesk.com)', uncertain=True)], category='remote-desktop', source='Linux name UNCERTAIN'),
 'vnc': tool([], category='remote-desktop', vendor='VNC (generic)'),
 'ultravnc': tool([P('uvnc_service', 'win32', 'UltraVNC service name (uvnc.com docs)', 'service')], category='remote-desktop'),
 'ammyyadmin': tool([], category='remote-desktop'), 'imperoconnect': tool([], category='remote-support', vendor='Impero (Netop)'),
 'mousewithoutborders': tool([], category='input-sharing', vendor='Microsoft'), 'mstsc': tool([], category='client', vendor='Microsoft'),
 'quickassist': tool([], category='remote-support', vendor='Microsoft'), 'fixme': tool([], category='remote-support'),
 'islonline': tool([], category='remote-support', vendor='ISL Online'), 'zohoassist': tool([], category='remote-support', vendor='Zoho (ManageEngine)'),
 'parallelsaccess': tool([], category='remote-desktop'), 'rocketremotedesktop': tool([], category='remote-desktop'),
 'remoteripple': tool([], category='remote-support'), 'splashtopbeta': tool([], category='remote-desktop', vendor='Splashtop'),
 'instanthousecall': tool([], category='remote-support', vendor='Instant Housecall'),
 'itsupport247connectwise': tool([], category='remote-support', vendor='ConnectWise'), 'levelio': tool([], vendor='Level'),
 'labteachconnectwiseautomate': tool([], vendor='ConnectWise'), 'updatesimplehelp': tool([], category='remote-support', vendor='SimpleHelp'),
 'netmonitor': tool([], category='rmm'), 'ninite': tool([], category='admin-tool'), 'gorelormm': tool([], category='rmm'),
 'tailscale': tool([P('tailscaled', 'linux', 'tailscale/tailscale (tailscaled.service)'), P('tailscale', 'linux', 'tailscale package', 'package'),
                    P('IPNExtension', 'darwin', 'LivingInSyn/RMML RMMs/Tailscale.yml (MIT)')], category='mesh-vpn', vendor='Tailscale',
                   bundleIds=['io.tailscale.ipn.macsys', 'io.tailscale.ipn.macos'], source='Linux: tailscale/tailscale cmd/tailscaled/tailscaled.service'),
 'zerotier': tool([P('zerotier-one', 'linux', 'zerotier/ZeroTierOne debian packaging (zerotier-one.service)'), P('zerotier-one', 'linux', 'zerotier-one.service', 'service'),
                   P('zerotier-one', 'linux', 'zerotier-one package', 'package')], category='mesh-vpn', vendor='ZeroTier', bundleIds=['com.zerotier.ZeroTier-One']),
 'netbird': tool([P('netbird', 'linux', 'netbirdio/netbird (netbird.service)', 'service')], category='mesh-vpn', vendor='NetBird'),
}


def extend(tid, names=(), bundleIds=(), paths=(), ports=(), source=None, **kw):
    """Adds names, bundle ids (and launchd labels), paths and ports to a tool's additions, keeping what is there."""
    t = ADDITIONS.setdefault(tid, tool([]))
    t['names'] = t.get('names', []) + tool(names)['names']
    t['bundleIds'] = t.get('bundleIds', []) + [b for b in bundleIds if b not in t.get('bundleIds', [])]
    t['paths'] = t.get('paths', []) + list(paths)
    t['ports'] = t.get('ports', []) + list(ports)
    if source: t['source'] = t['source'] + '; ' + source if t.get('source') else source
    t.update(kw)

# LaunchDaemon/LaunchAgent labels of the macOS app (a launchd job's Label matches like a bundle id).
ANYDESK_CASK = 'Homebrew cask anydesk (Homebrew/homebrew-cask Casks/a/anydesk.rb: uninstall quit and LaunchDaemons/LaunchAgents plists)'
extend('anydesk', bundleIds=['com.philandro.anydesk.service', 'com.philandro.anydesk.Helper', 'com.philandro.anydesk.Frontend'],
       source='launchd labels com.philandro.anydesk.service/.Helper/.Frontend: ' + ANYDESK_CASK)
# Unattended set-up from remotedesktop.google.com/headless: `start-host --code=… --redirect-url=… --name=… --pin=…` on Linux
# (/opt/google/chrome-remote-desktop/start-host, a weak name confirmed by that install path), remoting_start_host.exe on Windows.
extend('chrome-remote-desktop',
       source='unattended set-up: remotedesktop.google.com/headless (start-host on Linux, remoting_start_host.exe on Windows, optional --pin)')

TRMM_SRC = 'amidaware/rmmagent (agent/agent.go: macPlistName "tacticalagent", /Library/LaunchDaemons/tacticalagent.plist, /opt/tacticalagent; Linux /usr/local/bin/rmmagent, tacticalagent.service, /etc/tacticalagent)'
extend('tactical-rmm', [P('tacticalagent', 'darwin', TRMM_SRC), P('rmmagent', 'linux', TRMM_SRC), P('tacticalagent', 'linux', TRMM_SRC, 'service')],
       bundleIds=['tacticalagent'], paths=[{'path': '/opt/tacticalagent', 'os': 'darwin'}, {'path': '/etc/tacticalagent', 'os': 'linux'}],
       source='macOS/Linux: ' + TRMM_SRC)
extend('netsupport-manager', [P('NetSupport Client', 'darwin', 'NetSupport Manager Client for macOS (netsupportmanager.com downloads); app name not confirmed from a bundle', 'app', True),
                              P('client32', 'darwin', 'NetSupport Manager macOS client daemon name as on Windows (client32); not confirmed from a bundle', 'process', True)],
       paths=[{'path': '/Applications/NetSupport', 'os': 'darwin', 'uncertain': True}],
       source='macOS names UNCERTAIN (NetSupport Manager for Mac download page; no bundle to confirm them from)')
extend('zohoassist', [P('ZohoAssist', 'darwin', 'Zoho Assist unattended access agent for macOS (zoho.com/assist/kb)', 'app', True),
                      P('ZohoURS', 'darwin', 'Zoho Assist unattended agent for macOS (zoho.com/assist/kb)', 'process', True),
                      P('ZohoURS', 'linux', 'Zoho Assist unattended agent for Linux (zoho.com/assist/kb: .deb/.rpm/.bin installers)', 'process', True),
                      P('zohoassist', 'linux', 'Zoho Assist unattended agent for Linux (.deb/.rpm)', 'package', True)],
       paths=[{'path': '/usr/local/ZohoAssist', 'os': 'linux', 'uncertain': True}, {'path': '/Library/ZohoAssist', 'os': 'darwin', 'uncertain': True}],
       source='macOS/Linux names UNCERTAIN (Zoho Assist knowledge-base install pages; not confirmed from a package)')
extend('hoptodesk', [P('HopToDesk', 'darwin', 'HopToDesk for macOS (hoptodesk.com/download: HopToDesk.app, a RustDesk fork)', 'app', True),
                     P('HopToDesk', 'darwin', 'HopToDesk for macOS', 'process', True)],
       paths=[{'path': '/Applications/HopToDesk.app', 'os': 'darwin'}], source='macOS names UNCERTAIN (hoptodesk.com download page)')
extend('gotoassist-goto-resolve', [P('GoTo Resolve Unattended', 'darwin', 'GoTo Resolve unattended agent for macOS (support.goto.com Resolve deployment pages)', 'app', True),
                                   P('GoToResolveService', 'darwin', 'GoTo Resolve agent service, as on Windows (GoToResolveService.exe)', 'process', True)],
       source='more macOS names UNCERTAIN (support.goto.com)')
extend('getscreen', [P('Getscreen.me', 'darwin', 'Getscreen.me agent for macOS (getscreen.me/download: Getscreen.me.app)', 'app', True),
                     P('getscreen', 'darwin', 'Getscreen.me agent for macOS', 'process', True)],
       paths=[{'path': '/Applications/Getscreen.me.app', 'os': 'darwin', 'uncertain': True}], source='macOS names UNCERTAIN (getscreen.me download page)')

# Tools no LOLRMM entry covers.
NEW_TOOLS = [
 dict(id='x11vnc', name='x11vnc', vendor='x11vnc (LibVNC project)', category='remote-desktop',
      names=[dict(n='x11vnc', os='linux', kind='process', src='LibVNC/x11vnc; Debian package x11vnc'),
             dict(n='x11vnc', os='linux', kind='package', src='Debian package x11vnc'),
             dict(n='x11vnc', os='linux', kind='service', src='common x11vnc.service unit (distribution-specific)', uncertain=True)],
      ports=[{'port': 5900, 'protocol': 'tcp'}], source='LibVNC/x11vnc (github.com/LibVNC/x11vnc); Debian package x11vnc'),
 dict(id='twingate', name='Twingate', vendor='Twingate', category='mesh-vpn',
      names=[dict(n='twingate.exe', os='win32', kind='process', src='elastic/detection-rules command_and_control_new_terms_commonly_abused_rmm.toml (names only)'),
             dict(n='twingated', os='linux', kind='process', src='Twingate Linux client docs (twingated)', uncertain=True)],
      source='elastic/detection-rules (names only, the ones LOLRMM lacks)'),
 dict(id='velociraptor', name='Velociraptor', vendor='Rapid7 (Velocidex)', category='admin-tool',
      names=[dict(n='velociraptor.exe', os='win32', kind='process', src='elastic/detection-rules (names only)'),
             dict(n='velociraptor', os='linux', kind='process', src='Velocidex/velociraptor releases')],
      source='elastic/detection-rules; DFIR agent rather than a remote-desktop tool'),
 dict(id='rclone', name='Rclone', vendor='Rclone', category='file-transfer',
      names=[dict(n='rclone', os='any', kind='process', src='rclone.org')], source='rclone.org; a sync/exfiltration tool, not remote control'),
 dict(id='netsupport-manager-linux', name='NetSupport Manager (macOS/Linux client)', vendor='NetSupport', category='remote-support',
      names=[dict(n='nsm/support', os='any', kind='process', src='LivingInSyn/RMML RMMs/NetSupport.yml (MIT)', uncertain=True)],
      source='LivingInSyn/RMML (MIT)'),
]

# Remote desktops and remote-control servers LOLRMM lacks.
GRD_SRC = 'GNOME/gnome-remote-desktop (meson: libexecdir/gnome-remote-desktop-daemon, bindir/grdctl); grdctl(1) in the Ubuntu gnome-remote-desktop package (manpages.ubuntu.com)'
SUNSHINE_SRC = 'LizardByte/Sunshine (src_assets/windows/misc/service/install-service.bat: service SunshineService, bin\\sunshinesvc.exe; sunshine.service and sunshine-kms.service user units; ports 47984-47990, 48010 tcp, 47998-48000 udp per docs.lizardbyte.dev)'
APOLLO_SRC = 'ClassicOldSong/Apollo (a Sunshine fork: cmake/packaging/windows.cmake installs sunshine.exe and tools\\sunshinesvc.exe under C:/Program Files/Apollo)'
DCV_SRC = 'Amazon DCV Administrator Guide (docs.aws.amazon.com/dcv/latest/adminguide: dcvserver service, nice-dcv-server package, port 8443; formerly NICE DCV)'
PCOIP_SRC = 'HP Anyware (formerly Teradici CAS) PCoIP Agent admin guides (anyware.hp.com, docs.teradici.com: pcoip-agent service, pcoip-agent-standard/-graphics packages, ports 4172 tcp/udp and 60443)'
HORIZON_SRC = 'Omnissa (formerly VMware) Horizon Agent docs (docs.omnissa.com: Windows service wsnm "VMware Horizon View Agent" and VMBlast; Linux viewagent service under /usr/lib/vmware/viewagent; ports 22443 Blast, 4172 PCoIP, 32111 USB)'
def N(n, os, src, kind='process', uncertain=False):
    return dict(n=n, os=os, kind=kind, src=src, uncertain=uncertain)

NEW_TOOLS += [
 dict(id='deskin', name='DeskIn', vendor='Zuler Technology (DeskIn)', category='remote-desktop',
      names=[N('DeskIn.exe', 'win32', 'DeskIn for Windows (deskin.io/download)', uncertain=True),
             N('DeskIn', 'darwin', 'DeskIn for macOS (deskin.io/download: DeskIn.app)', 'app', True),
             N('DeskIn', 'darwin', 'DeskIn for macOS', uncertain=True)],
      paths=[{'path': '/Applications/DeskIn.app', 'os': 'darwin'}, {'path': 'C:/Program Files/DeskIn', 'os': 'win32', 'uncertain': True}],
      domains=['deskin.io'], source='deskin.io download pages; process names UNCERTAIN (no package or repository to confirm them from)'),
 dict(id='gnome-remote-desktop', name='GNOME Remote Desktop', vendor='GNOME', category='remote-desktop',
      # The package and its units ship with GNOME desktops (Ubuntu, Fedora Workstation) and the daemon may run with
      # sharing off, so only the daemon and grdctl are catalogued, and the daemon is weak (GENERIC): it counts with an
      # RDP/VNC listener of its own or grdctl beside it.
      names=[N('gnome-remote-desktop-daemon', 'linux', GRD_SRC), N('grdctl', 'linux', GRD_SRC)],
      ports=[{'port': 3389, 'protocol': 'tcp', 'note': 'RDP backend'}, {'port': 5900, 'protocol': 'tcp', 'note': 'VNC backend'}],
      source=GRD_SRC),
 dict(id='krfb', name='KDE Desktop Sharing (krfb)', vendor='KDE', category='remote-desktop',
      names=[N('krfb', 'linux', 'KDE/krfb (invent.kde.org/network/krfb); Debian package krfb'), N('krfb-virtualmonitor', 'linux', 'KDE/krfb (krfb-virtualmonitor, since 21.04)'),
             N('krfb', 'linux', 'Debian/Fedora package krfb', 'package')],
      ports=[{'port': 5900, 'protocol': 'tcp'}], source='KDE krfb repository (invent.kde.org/network/krfb); Debian package krfb'),
 dict(id='wayvnc', name='wayvnc', vendor='wayvnc project', category='remote-desktop',
      names=[N('wayvnc', 'linux', 'any1/wayvnc; Debian package wayvnc'), N('wayvncctl', 'linux', 'any1/wayvnc (wayvncctl control client)'),
             N('wayvnc', 'linux', 'Debian/Fedora package wayvnc', 'package')],
      ports=[{'port': 5900, 'protocol': 'tcp'}], source='github.com/any1/wayvnc; Debian package wayvnc'),
 dict(id='sunshine', name='Sunshine (and its fork Apollo)', vendor='LizardByte', category='remote-desktop',
      names=[N('sunshine', 'linux', SUNSHINE_SRC), N('sunshine', 'darwin', SUNSHINE_SRC + '; Homebrew formula sunshine'), N('sunshine.exe', 'win32', SUNSHINE_SRC + '; ' + APOLLO_SRC),
             N('sunshinesvc.exe', 'win32', SUNSHINE_SRC + '; ' + APOLLO_SRC), N('SunshineService', 'win32', SUNSHINE_SRC, 'service'),
             N('sunshine', 'linux', SUNSHINE_SRC + ' (sunshine.service)', 'service'), N('sunshine-kms', 'linux', SUNSHINE_SRC + ' (sunshine-kms.service)', 'service'),
             N('sunshine', 'linux', 'Sunshine .deb/.rpm and AUR package sunshine', 'package'),
             N('ApolloService', 'win32', 'Apollo service name (ClassicOldSong/Apollo install-service.bat)', 'service', True)],
      paths=[{'path': 'C:/Program Files/Sunshine', 'os': 'win32'}, {'path': 'C:/Program Files/Apollo', 'os': 'win32'},
             {'path': '/usr/share/sunshine', 'os': 'linux', 'uncertain': True}],
      ports=[{'port': p, 'protocol': 'tcp'} for p in (47984, 47989, 47990, 48010)] + [{'port': p, 'protocol': 'udp'} for p in (47998, 47999, 48000)],
      source=SUNSHINE_SRC + '; ' + APOLLO_SRC + '; a game-stream host that is also full remote control (keyboard, mouse, desktop)'),
 dict(id='amazon-dcv', name='Amazon DCV (NICE DCV) server', vendor='Amazon Web Services', category='remote-desktop',
      names=[N('dcvserver', 'linux', DCV_SRC), N('dcvserver', 'linux', DCV_SRC, 'service'), N('nice-dcv-server', 'linux', DCV_SRC, 'package'),
             N('dcvagent', 'linux', DCV_SRC), N('dcvserver.exe', 'win32', DCV_SRC), N('dcvserver', 'win32', DCV_SRC + ' (service "DCV Server")', 'service'),
             N('dcvagent.exe', 'win32', DCV_SRC, uncertain=True)],
      paths=[{'path': 'C:/Program Files/NICE/DCV/Server', 'os': 'win32'}, {'path': 'C:/Program Files/Amazon/DCV/Server', 'os': 'win32', 'uncertain': True},
             {'path': '/usr/lib/x86_64-linux-gnu/dcv', 'os': 'linux', 'uncertain': True}],
      ports=[{'port': 8443, 'protocol': 'tcp'}, {'port': 8443, 'protocol': 'udp', 'note': 'QUIC'}], source=DCV_SRC),
 dict(id='hp-anyware', name='HP Anyware (Teradici PCoIP Agent)', vendor='HP (Teradici)', category='remote-desktop',
      names=[N('pcoip-agent', 'linux', PCOIP_SRC), N('pcoip-agent', 'linux', PCOIP_SRC, 'service'),
             N('pcoip-agent-standard', 'linux', PCOIP_SRC, 'package'), N('pcoip-agent-graphics', 'linux', PCOIP_SRC, 'package'),
             N('pcoip-server', 'linux', PCOIP_SRC, uncertain=True),
             N('pcoip_agent.exe', 'win32', PCOIP_SRC, uncertain=True), N('pcoip_server_win32.exe', 'win32', PCOIP_SRC, uncertain=True),
             N('PCoIPAgent', 'win32', PCOIP_SRC + ' (service "PCoIP Agent")', 'service', True)],
      paths=[{'path': 'C:/Program Files/Teradici/PCoIP Agent', 'os': 'win32'}, {'path': '/usr/lib/x86_64-linux-gnu/pcoip-agent', 'os': 'linux', 'uncertain': True}],
      ports=[{'port': 4172, 'protocol': 'tcp'}, {'port': 4172, 'protocol': 'udp'}, {'port': 60443, 'protocol': 'tcp'}],
      source=PCOIP_SRC + '; Windows names UNCERTAIN'),
 dict(id='vmware-horizon-agent', name='VMware (Omnissa) Horizon Agent', vendor='Omnissa (VMware)', category='remote-desktop',
      names=[N('wsnm.exe', 'win32', HORIZON_SRC), N('WSNM', 'win32', HORIZON_SRC, 'service'), N('VMBlastS.exe', 'win32', HORIZON_SRC),
             N('VMBlastW.exe', 'win32', HORIZON_SRC), N('VMBlast', 'win32', HORIZON_SRC, 'service'),
             N('viewagent', 'linux', HORIZON_SRC, 'service'), N('StandaloneAgent', 'linux', HORIZON_SRC, uncertain=True),
             N('VMwareBlastServer', 'linux', HORIZON_SRC, uncertain=True)],
      paths=[{'path': 'C:/Program Files/VMware/VMware View/Agent', 'os': 'win32'}, {'path': '/usr/lib/vmware/viewagent', 'os': 'linux'}],
      ports=[{'port': 22443, 'protocol': 'tcp'}, {'port': 4172, 'protocol': 'tcp'}, {'port': 32111, 'protocol': 'tcp'}],
      source=HORIZON_SRC + '; Linux process names UNCERTAIN'),
]

# Reverse tunnels that expose a port of this machine to the internet (category tunnel).
FRP_SRC = 'fatedier/frp (conf/systemd/frpc.service, frps.service, frpc@.service; conf/launchd/com.github.frpc.plist; conf/frps.toml bindPort 7000)'
NEW_TOOLS += [
 dict(id='frp', name='frp (fast reverse proxy)', vendor='frp project', category='tunnel',
      names=[N('frpc', 'any', FRP_SRC), N('frps', 'any', FRP_SRC), N('frpc.exe', 'win32', FRP_SRC + ' (conf/windows/frpc-service.xml)'),
             N('frpc', 'linux', FRP_SRC, 'service'), N('frpc@', 'linux', FRP_SRC, 'service'), N('frps', 'linux', FRP_SRC, 'service'),
             N('frp', 'linux', 'Debian/Alpine/AUR package frp', 'package')],
      bundleIds=['com.github.frpc.plist'], paths=[{'path': '/etc/frp', 'os': 'linux'}],
      ports=[{'port': 7000, 'protocol': 'tcp', 'note': 'frps bindPort (frpc connects to it)'}, {'port': 7500, 'protocol': 'tcp', 'note': 'frps dashboard'}],
      source=FRP_SRC),
 dict(id='chisel', name='Chisel', vendor='chisel project (jpillora)', category='tunnel',
      names=[N('chisel', 'any', 'jpillora/chisel README; Scoop bucket chisel.json (bin chisel.exe)'),
             N('chisel.exe', 'win32', 'SigmaHQ/sigma proc_creation_win_pua_chisel.yml (DRL 1.1); Scoop bucket chisel.json')],
      ports=[{'port': 8080, 'protocol': 'tcp', 'note': 'default server port'}], source='github.com/jpillora/chisel'),
 dict(id='bore', name='bore', vendor='bore project (ekzhang)', category='tunnel',
      names=[N('bore', 'any', 'ekzhang/bore README (bore local 8000 --to bore.pub)'), N('bore.exe', 'win32', 'ekzhang/bore Windows release'),
             N('bore', 'linux', 'Alpine/AUR package bore', 'package'), N('bore-cli', 'any', 'Homebrew formula and crates.io crate bore-cli', 'package')],
      ports=[{'port': 7835, 'protocol': 'tcp', 'note': 'fixed control port (ekzhang/bore issue 48)'}],
      domains=['bore.pub'], source='github.com/ekzhang/bore'),
 dict(id='pinggy', name='Pinggy', vendor='Pinggy', category='tunnel',
      # Pinggy is mostly used through plain ssh (-R to a.pinggy.io): that shows as ssh, which no name can attribute.
      names=[N('pinggy', 'any', 'Pinggy CLI (pinggy.io/cli)', uncertain=True), N('pinggy.exe', 'win32', 'Pinggy CLI for Windows (pinggy.io/cli)', uncertain=True)],
      domains=['pinggy.io', 'a.pinggy.io', 'pinggy.link'], source='pinggy.io docs (CLI names UNCERTAIN; the ssh form is not attributable by name)'),
 dict(id='localtonet', name='Localtonet', vendor='Localtonet', category='tunnel',
      names=[N('localtonet', 'any', 'localtonet.com/documents/linux (/usr/local/bin/localtonet)'), N('localtonet.exe', 'win32', 'localtonet.com Windows client'),
             N('Localtonet_*', 'any', 'localtonet.com/documents/run-as-a-service (--install-service: service, unit or launchd job Localtonet_<id>)', 'service'),
             N('localtonet', 'linux', 'localtonet.com DEB/RPM packages', 'package')],
      domains=['localtonet.com'], source='localtonet.com documents (Linux install, run as a service)'),
 dict(id='playit', name='playit.gg', vendor='Developed Methods (playit.gg)', category='tunnel',
      names=[N('playitd', 'linux', 'playit-cloud/playit-agent linux/playit.service (ExecStart=/opt/playit/playitd)'),
             N('playit', 'linux', 'playit-cloud/playit-agent (/opt/playit/playit wrapper, playit.service)'),
             N('playit', 'linux', 'playit-cloud/playit-agent linux/playit.service', 'service'),
             N('playit', 'linux', 'playit apt repository (playit-cloud.github.io/ppa: package playit)', 'package'),
             N('playit.exe', 'win32', 'playit.gg Windows installer (winget DevelopedMethods.playit)', uncertain=True)],
      paths=[{'path': '/opt/playit', 'os': 'linux'}], domains=['playit.gg'], source='github.com/playit-cloud/playit-agent'),
]
for t in NEW_TOOLS:
    t['names'] = [{'n': n['n'], 'os': n['os'], 'kind': n['kind'], 'src': n.get('src'), 'uncertain': n.get('uncertain', False)} for n in t['names']]
NEW_TOOLS = [t for t in NEW_TOOLS if t['id'] != 'netsupport-manager-linux']

RMML_MAP = {'AnyDesk': 'anydesk', 'Atera': 'atera', 'BeyondTrust': 'beyondtrust-bomgar', 'ChromeRemoteDesktop': 'chrome-remote-desktop',
 'FleetDeck': 'fleetdeck', 'GoToMyPC': 'gotomypc', 'GoToResolve': 'gotoassist-goto-resolve', 'Level.io': 'level-io', 'MeshCentral': 'meshcentral',
 'N-Able': 'n-able-remote-access-software', 'NetSupport': 'netsupport-manager', 'NinjaRMM': 'ninjarmm', 'NoMachine': 'nomachine',
 'Pulseway': 'pulseway', 'QuickAssist': 'microsoft-quick-assist', 'RustDesk': 'rustdesk', 'ScreenConnect': 'screenconnect', 'SimpleHelp': 'simplehelp',
 'Splashtop': 'splashtop', 'Supremo': 'supremo', 'TacticalRMM': 'tactical-rmm', 'Tailscale': 'tailscale', 'TeamViewer': 'teamviewer',
 'VSCodeTunnel': 'visual-studio-dev-tunnel', 'ZohoAssist': 'zohoassist', 'jump_desktop': 'jump-desktop', 'ngrok': 'ngrok'}
SPLUNK_MAP = {'BeAnywhere': 'beanywhere', 'RAdmin': 'radmin', 'Syspectr': 'syspectr', 'LogMeIn': 'logmein', 'Access Remote PC': 'access-remote-pc',
 'AnyViewer': 'anyviewer', 'NinjaRMM': 'ninjarmm', 'TeamViewer': 'teamviewer'}
ELASTIC_MAP = {'BeyondTrust': 'beyondtrust-bomgar', 'DWService': 'dw-service', 'FleetDeck': 'fleetdeck', 'GoTo': 'gotoassist', 'Impero': 'imperoconnect',
 'Level': 'level-io', 'Parsec': 'parsec', 'Radmin': 'radmin', 'RemotePC': 'remotepc', 'Splashtop': 'splashtop', 'Tailscale': 'tailscale',
 'TightVNC': 'tightvnc', 'Twingate': 'twingate', 'UltraViewer': 'ultraviewer', 'Velociraptor': 'velociraptor'}
NAME_OVERRIDE = {'syncrolive.agent.runner.exe': 'syncro', 'apc_admin.exe': None}

# Ports that ordinary software shares: never evidence without a catalogued owner.
COMMON_PORTS = [22, 53, 80, 135, 139, 161, 443, 445, 3000, 3478, 4000, 5000, 7070, 8000, 8080, 8443, 8888]
# Ports used only for remote control: an inbound session on one counts even with no catalogued owner (lower confidence).
REMOTE_CONTROL_PORTS = [
 {'from': 3389, 'to': 3389, 'protocol': 'tcp', 'service': 'RDP', 'source': 'IANA ms-wbt-server 3389; Microsoft RDP docs'},
 {'from': 5900, 'to': 5909, 'protocol': 'tcp', 'service': 'VNC (displays :0-:9)', 'source': 'RFC 6143 section 1 (RFB on 5900+display)'},
 {'from': 5938, 'to': 5938, 'protocol': 'tcp', 'service': 'TeamViewer', 'tool': 'teamviewer', 'source': 'LOLRMM yaml/teamviewer.yaml; TeamViewer port docs'},
 {'from': 21115, 'to': 21119, 'protocol': 'tcp', 'service': 'RustDesk', 'tool': 'rustdesk', 'source': 'rustdesk/rustdesk-server docs (hbbs 21115-21116, hbbr 21117, web 21118-21119)'},
]
