#!/usr/bin/env python3
"""Builds rules/catalogs/common-programs.json: names of ordinary OS and application programs.

Usage: python3 scripts/catalogs/common-programs.py /path/to/reference-data > rules/catalogs/common-programs.json

A catalogued remote-tool name that is also one of these names is weak (rules/catalog/strength.ts computes it when
the catalog is compiled). Names come from real process lists under a permissive licence (the jc project's captures,
MIT) and, where no such capture exists, from vendor documentation; each entry names its source.
"""
import json, re, sys

JC_MAC_PS = ('kellyjonbrazil/jc@a762882f1ccea6789ce7813b313f3242175b5bd6:tests/fixtures/osx-10.14.6/ps-axu.out (MIT), '
             'real macOS 10.14.6 laptop process table')
JC_WIN_NETSTAT = ('kellyjonbrazil/jc@5023e5be4cd97c5d6b5a255d35a6840eba9dd79e:tests/fixtures/windows/windows-10/netstat-aonb.out '
                  '(MIT), owning executables of a real Windows 10 laptop')
JC_LINUX_SS = {
    'linux__ss-tulpen__jc-ubuntu1804.txt': 'kellyjonbrazil/jc@5023e5be4cd97c5d6b5a255d35a6840eba9dd79e:tests/fixtures/ubuntu-18.04/ss-sudo-tulpen.out (MIT)',
    'linux__ss-a__jc-centos77.txt': 'kellyjonbrazil/jc@ba8cc18eebe779742cff0ba4c8bebe376e787c8c:tests/fixtures/centos-7.7/ss-sudo-a.out (MIT)',
}
# Remote tools that run on the captured machines: they are what the catalog looks for, not collisions with it.
CATALOGUED_TOOLS_SEEN = {'anydesk.exe', 'teamviewer_service.exe', 'teamviewerd', 'taniumclient'}

MS_PROCESSES = 'Microsoft Learn: Windows client processes and services (default Windows 10/11 installation)'
WINDOWS_DEFAULTS = '''System Registry smss.exe csrss.exe wininit.exe winlogon.exe services.exe lsass.exe svchost.exe dwm.exe
explorer.exe fontdrvhost.exe sihost.exe taskhostw.exe RuntimeBroker.exe SearchHost.exe SearchIndexer.exe
StartMenuExperienceHost.exe ShellExperienceHost.exe TextInputHost.exe ctfmon.exe conhost.exe dllhost.exe spoolsv.exe
MsMpEng.exe NisSrv.exe SecurityHealthService.exe SecurityHealthSystray.exe audiodg.exe WmiPrvSE.exe LogonUI.exe
smartscreen.exe SgrmBroker.exe lsaiso.exe dashost.exe WUDFHost.exe backgroundTaskHost.exe ApplicationFrameHost.exe
SystemSettings.exe UserOOBEBroker.exe CompPkgSrv.exe MoUsoCoreWorker.exe TiWorker.exe TrustedInstaller.exe
msiexec.exe rundll32.exe regsvr32.exe cmd.exe powershell.exe WindowsTerminal.exe OpenConsole.exe notepad.exe
mstsc.exe quickassist.exe rdpclip.exe termsrv msra.exe wmic.exe tasklist.exe taskmgr.exe perfmon.exe
PresentationHost.exe'''.split()
MS_APPS = 'Microsoft Learn: Microsoft 365 Apps, Edge, OneDrive and Teams client documentation (process names)'
MICROSOFT_APPS = '''msedge.exe msedgewebview2.exe OneDrive.exe OUTLOOK.EXE WINWORD.EXE EXCEL.EXE POWERPNT.EXE ONENOTE.EXE
Teams.exe ms-teams.exe ms-teamsupdate.exe msteams lync.exe Skype.exe'''.split()
# Vendors' documentation of their desktop clients' process names.
VENDOR_APPS = [
    ('Zoom.exe', 'win32', 'Zoom support: Zoom Workplace desktop app for Windows (Zoom.exe)'),
    ('zoom.us', 'darwin', 'Zoom support: Zoom Workplace desktop app for macOS (zoom.us.app)'),
    ('slack.exe', 'win32', 'Slack help center: Slack desktop app for Windows'),
    ('Slack', 'darwin', 'Slack help center: Slack desktop app for Mac'),
    ('webex.exe', 'win32', 'Cisco Webex help center: Webex App for Windows'),
    ('CiscoCollabHost.exe', 'win32', 'Cisco Webex help center: Webex App for Windows'),
    ('Discord.exe', 'win32', 'Discord support: Discord desktop app'),
    ('GoTo.exe', 'win32', 'GoTo support: the GoTo app (meetings, phone, chat) for Windows'),
    ('g2m.exe', 'win32', 'GoTo support: GoTo Meeting desktop app for Windows (g2mcomm, g2mstart, g2m)'),
] + [(n, 'win32', 'GoTo support: GoTo Meeting desktop app for Windows, the processes its antivirus/firewall exclusions name')
     for n in ('g2mcomm.exe', 'g2mstart.exe', 'g2mlauncher.exe', 'g2mui.exe', 'g2mvideoconference.exe', 'G2MChat.exe',
               'G2MQandA.exe', 'G2MMaterials.exe', 'G2MPolling.exe', 'G2MRecorder.exe', 'G2MTranscoder.exe', 'G2MView.exe')] + [
    ('QQ.exe', 'win32', 'Tencent QQ messenger for Windows (im.qq.com)'),
    ('nvda.exe', 'win32', 'NV Access: NVDA screen reader user guide (nvda.exe)'),
    ('rdesktop', 'linux', 'Debian/Ubuntu package rdesktop: an RDP client shipped by Linux distributions'),
    # GNOME desktops install it and may run it with sharing off: only its own listener or grdctl says it is in use.
    ('gnome-remote-desktop-daemon', 'linux', 'GNOME: gnome-remote-desktop, installed by default with the GNOME desktop (Debian/Ubuntu/Fedora packages)'),
    ('Telegram.exe', 'win32', JC_WIN_NETSTAT),
    ('chrome.exe', 'win32', JC_WIN_NETSTAT),
]
# Names many unrelated vendors give a program: a word, not a product (shared by so many installers and agents that
# no single documentation lists them; kept from the catalog's original import).
GENERIC_SRC = 'generic name: a word that many unrelated vendors give a program (installers, updaters, agents), not a product'
GENERIC = '''agent agent32 agent64 agentu client client32 service server host helper launcher tray monitor viewer remote
support connect update updater autoupdate setup installer install uninstall upload perl wperl tar 7z dd rd rdp si
osqueryi nssm plink winpty-agent winpty-agent64 installshield installcore arpproducticon regapps sysdiag recycler
selfupdater notificationhelper usernotificationhelper privacyhelper modulesupgrademgr migrationhelper_32 migrationhelper_64
update-shim httpget httppush iprangecalculator prep64 closeapp cpuchk pservice remote_host remoteconsole manuallauncher
windowslauncher pidupdater backup level crash-uploader start-host user-session native-messaging-host streamer code
tsh stahelper join mesh vhost java python python3 node ssh sshd kitty winagent simpleservice serviceproxylocalsys
supporttool iadmin otservice toolsiq baseclient einstaller appcore tsclient rcservice rcclient avcore monitoringagent
intouch rmmservice serverproxyservice'''.split() + ['remote desktop', 'remote access', 'remote support', 'online backup',
'installshield setup']

def mac_exe(cmd):
    """The executable of a ps COMMAND (its path may hold spaces); a bundle's
    main executable is named like the bundle ("Sublime Text.app/Contents/MacOS/Sublime Text")."""
    words = cmd.split(' ')
    end = 1  # the path runs to the last word with a slash before the first option
    for j in range(1, len(words)):
        if words[j].startswith(('-', '/')): break
        if '/' in words[j]: end = j + 1
    path, i = ' '.join(words[:end]), end
    name = path.split('/')[-1]
    m = re.search(r'/([^/]+)\.app/Contents/MacOS/[^/]+$', path)
    if m and (name + ' ' + ' '.join(words[i:])).startswith(m.group(1)): name = m.group(1)
    return name.strip('()').lstrip('-')

def mac_ps_names(CAP):
    out = []
    for line in open(f'{CAP}/real-os/darwin/darwin__ps-axu__jc-osx10146.txt', encoding='utf-8').read().splitlines()[1:]:
        parts = line.split(None, 10)
        if len(parts) < 11: continue
        name = mac_exe(parts[10])
        if name: out.append(name)
    return out

def win_netstat_names(CAP):
    text = open(f'{CAP}/real-os/win32/win32__netstat-aonb__jc-win10.txt', encoding='utf-8', errors='replace').read()
    return re.findall(r'^\s*\[([^\]]+)\]\s*$', text, re.M)

def linux_ss_names(CAP):
    out = []
    for f, src in JC_LINUX_SS.items():
        for n in re.findall(r'users:\(\("([^"]+)"', open(f'{CAP}/{f}', encoding='utf-8').read()):
            if '/' not in n: out.append((n, src))
    return out

def main():
    CAP = f'{sys.argv[1]}/captures'
    entries, seen = [], set()
    def add(name, os, source, kind='program'):
        key = (name.lower(), os)
        if key in seen or name.lower() in CATALOGUED_TOOLS_SEEN: return
        seen.add(key)
        entries.append({'name': name, 'os': os, 'kind': kind, 'source': source})
    for n in mac_ps_names(CAP): add(n, 'darwin', JC_MAC_PS)
    for n in win_netstat_names(CAP): add(n, 'win32', JC_WIN_NETSTAT)
    for n, src in linux_ss_names(CAP): add(n, 'linux', src)
    for n in WINDOWS_DEFAULTS: add(n, 'win32', MS_PROCESSES)
    for n in MICROSOFT_APPS: add(n, 'win32', MS_APPS)
    for n, os, src in VENDOR_APPS: add(n, os, src)
    for n in GENERIC: add(n, 'any', GENERIC_SRC, 'generic')
    doc = {
        'about': 'Names of ordinary OS and application programs on Windows, macOS and Linux. A remote-tool name that is '
                 'also one of these is weak: it never decides alone (docs/catalogs.md, Strength). Generated by '
                 'scripts/catalogs/common-programs.py from real process lists (jc captures, MIT) and vendor documentation.',
        'licence': 'Names are facts; the process lists they were read from are MIT (kellyjonbrazil/jc). Source per entry.',
        'programs': entries,
    }
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')

if __name__ == '__main__':
    main()
