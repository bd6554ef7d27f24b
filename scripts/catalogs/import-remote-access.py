#!/usr/bin/env python3
"""One-off import that produced rules/catalogs/remote-access.json (kept for provenance).

Usage: python3 scripts/catalogs/import-remote-access.py /path/to/reference-data > rules/catalogs/remote-access.json
Reads the LOLRMM extract (Apache-2.0) and the other catalogs' name lists, and merges our own Linux/macOS additions (ADDITIONS below). After the import, the JSON file is the source of
truth: edit it directly (docs/catalogs.md). Names carry no strength: it is computed when the catalog is compiled
(rules/catalog/strength.ts), from collisions with rules/catalogs/common-programs.json and other vendors' names.
"""
import json, re, sys

REF = sys.argv[1]
sys.path.insert(0, __import__('os').path.dirname(__file__))
OS = {'windows': 'win32', 'macos': 'darwin', 'linux': 'linux', 'unspecified_os': 'any'}

def norm(n):
    n = n.strip().replace('\\', '/').split('/')[-1].lower()
    for suf in ('.exe', '.app', '.service', '.exee'):
        if n.endswith(suf): n = n[:-len(suf)]
    return n

def slug(s): return re.sub(r'[^a-z0-9]+', '-', s.lower()).strip('-')

CATEGORY = {
 'remote-desktop': '''anydesk anyviewer aeroadmin ammyy-admin alpemix any-support anyplace-control apple-remote-desktop aspia aweray
  chrome-remote-desktop distant-desktop dw-service freenx getscreen gotohttp gotomypc hoptodesk iperius-remote jump-desktop
  litemanager lite-manager logmein nomachine parsec radmin realvnc remote-utilities remoteutilities remotepc rudesktop rustdesk
  splashtop splashtop-remote splashtop-beta sunlogin supremo teamviewer tigervnc tightvnc todesk ultra-vnc ultravnc ultraviewer
  vnc vnc-connect xrdp x2go xpra parallels-access showmypc remote-desktop-plus rdpwrap weezo remobo myivo pcnow guacamole webrdp
  deskshare desktopnow access-remote-pc rocket-remote-desktop remoteview mygreenpc teledesktop echoware x11vnc'''.split(),
 'remote-support': '''beyondtrust beyondtrust-bomgar connectwise-control screenconnect connectwise 247ithelp-com-connectwise
  itsupport247-connectwise itsupport247-connectwise-1 fortra fixme-it gotoassist gotoassist-goto-resolve gotoassist-agent-desktop-console
  goto-opener logmein-rescue isl-light isl-online isl-online-1 instant-housecall instant-housecall-1 zoho-assist microsoft-quick-assist
  quick-assist simplehelp simplehelp-1 netop netop-remote-control-aka-impero-connect netop-remote-control-impero-connect impero-connect
  dameware ivanti-remote-control intelliadmin-remote-control pcanywhere pchelpware pcvisit helpbeam helpu helpwire khelpdesk ezhelp
  remotecall remsupp screenmeet skyfex trustconnect turbomeeting beamyourscreen crossloop fastviewer netviewer netviewer-gotomeet
  gatherplace-desktop-sharing noteon-desktop-sharing adobe-connect webex-remote-access aliwangwang-remote-control qq-im-remote-assistance
  seetrol remote-ripple pilixo senso-cloud lunixar crosstec-remote-control cruzcontrol i-m-intouch remotepass mikogo ericom-accessnow
  ericom-connect bluetrait xmreality tsplus'''.split(),
 'rat': '''remcos remote-manipulator-system sorillus spyanywhere ntr-remote absolute-computrace'''.split(),
 'tunnel': '''cloudflare-tunnel ngrok localxpose pitunnel dataplicity dev-tunnels-aka-visual-studio-dev-tunnel visual-studio-dev-tunnel
  remote-it tmate rdp2tcp shellhub rport nezha komari'''.split(),
 'mesh-vpn': 'tailscale zerotier netbird twingate'.split(),
 'client': '''mstsc-exe-microsoft-remote-desktop-connection rdclient rdcman rdpview remmina mremoteng royal-ts royal-apps royal-server
  remote-desktop-manager-devolutions devolutions-remote-desktop-manager terminals putty putty-tray kitty extraputty solar-putty
  superputty smartty mobaxterm securecrt xshell zoc bitvise-ssh-client chrome-ssh-extension jollysfastvnc chicken-of-the-vnc
  mocha-vnc-lite smartcode-web-vnc emco-remote-console teleport-connect freerdp'''.split(),
 'file-transfer': '''winscp smartftp s3-browser megasync yandex-disk koofr syncthing duplicati insync multcloud dragondisk nordlocker
  beinsync idrive msp360 basecamp onionshare rclone'''.split(),
 'input-sharing': 'mouse-without-borders synergy duet-display'.split(),
 'admin-tool': '''psexec psexec-clone bitvise-ssh-server free-ping-tool free-tools-launcher total-software-deployment ninite-pro-ninite-agent
  velociraptor'''.split(),
}
CAT_OF = {i: c for c, ids in CATEGORY.items() for i in ids}

FAMILY = [  # (regex on name, vendor)
 (r'connectwise|screenconnect|247ithelp|itsupport247|labtech|labteach', 'ConnectWise'),
 (r'goto|logmein|netviewer', 'GoTo (LogMeIn)'), (r'bomgar|beyondtrust', 'BeyondTrust'), (r'splashtop', 'Splashtop'),
 (r'isl (light|online)', 'ISL Online'), (r'lite ?manager', 'LiteManager'), (r'^level', 'Level'),
 (r'n-able', 'N-able'), (r'kaseya', 'Kaseya'), (r'netop|impero', 'Impero (Netop)'), (r'faronics', 'Faronics'),
 (r'manageengine|manage engine|zoho', 'Zoho (ManageEngine)'), (r'tanium', 'Tanium'), (r'realvnc|vnc connect', 'RealVNC'),
 (r'ultra ?vnc', 'UltraVNC'), (r'remote ?utilities', 'Remote Utilities'), (r'^royal', 'Royal Apps'),
 (r'devolutions', 'Devolutions'), (r'ehorus', 'Pandora FMS (eHorus)'), (r'mionet', 'Western Digital'),
 (r'pocket controller', 'SOTI'), (r'ninja', 'NinjaOne'), (r'ericom', 'Ericom'), (r'putty', 'PuTTY'),
 (r'simplehelp', 'SimpleHelp'), (r'instant housecall', 'Instant Housecall'), (r'dev tunnel', 'Microsoft'),
 (r'quick assist|mstsc|rdclient|rdcman|mouse without borders', 'Microsoft'), (r'chrome ', 'Google'),
 (r'dameware', 'SolarWinds'), (r'teamviewer', 'TeamViewer'), (r'anydesk', 'AnyDesk Software'),
 (r'sunlogin', 'Oray'), (r'todesk', 'ToDesk'), (r'rustdesk', 'Purslane (RustDesk)'), (r'tigervnc', 'TigerVNC'),
 (r'tightvnc', 'GlavSoft'), (r'^vnc$', 'VNC (generic)'), (r'^bitvise', 'Bitvise'), (r'^psexec', 'Microsoft Sysinternals'),
]
def vendor_of(name):
    for rx, v in FAMILY:
        if re.search(rx, name, re.I): return v
    return re.sub(r'\s*\(.*\)\s*', '', name).strip() or name

LOLRMM_NOTE = 'LOLRMM (magicsword-io/LOLRMM, Apache-2.0)'

def entry_from_lolrmm(e):
    yaml = e['source_file'].split(':', 1)[1]
    i = slug(yaml.split('/')[-1].rsplit('.', 1)[0])
    names = []
    seen = set()
    def add(n, os, kind, src=None, uncertain=False):
        if n.startswith('<') or not n.strip(): return  # placeholders such as <random>.exe
        n = re.sub(r'\[a-Z0-9\]\*', '*', n).replace('.*', '*')
        key = (norm(n), os, kind)
        if key in seen: return
        seen.add(key)
        rec = {'name': n, 'kind': kind, 'os': os}
        if src: rec['source'] = src
        if uncertain: rec['uncertain'] = True
        names.append(rec)
    for k, ps in e['processes'].items():
        for p in ps: add(p, OS[k], 'app' if p.lower().endswith('.app') else 'process')
    for p in e['pe_original_filenames']: add(p, 'win32', 'process')
    for s in e['service_names']: add(s, 'win32', 'service')
    return i, {
        'id': i, 'name': e['name'], 'vendor': vendor_of(e['name']), 'category': CAT_OF.get(i, 'rat' if e['category'] == 'RAT' else 'rmm'),
        'names': names, 'bundleIds': [], 'paths': [],
        'ports': [{'port': p} for p in e['ports'] if isinstance(p, int)],
        'domains': e['domains'], 'source': f"{LOLRMM_NOTE} {yaml}", '_add': add,
    }

from additions import ADDITIONS, NEW_TOOLS, RMML_MAP, SPLUNK_MAP, ELASTIC_MAP, NAME_OVERRIDE

def main():
    tools = {}
    for e in json.load(open(f'{REF}/rmm-tools.json')):
        i, t = entry_from_lolrmm(e)
        assert i not in tools, i
        tools[i] = t
    for nt in NEW_TOOLS:
        t = dict(nt); t.setdefault('names', []); t.setdefault('bundleIds', []); t.setdefault('paths', []); t.setdefault('ports', []); t.setdefault('domains', [])
        names = t.pop('names'); t['names'] = []
        seen = set()
        def add(n, os, kind, src=None, uncertain=False, _t=t, _seen=seen):
            key = (norm(n), os, kind)
            if key in _seen: return
            _seen.add(key)
            rec = {'name': n, 'kind': kind, 'os': os}
            if src: rec['source'] = src
            if uncertain: rec['uncertain'] = True
            _t['names'].append(rec)
        t['_add'] = add
        for n in names: add(n['n'], n['os'], n['kind'], n.get('src'), n.get('uncertain', False))
        tools[t['id']] = t
    # Other catalogs: names LOLRMM lacks (facts with attribution; itm8SocSE has no licence and is left out).
    other = json.load(open(f'{REF}/rat-names-other.json'))
    extra = json.load(open(f'{REF}/rat-names-not-in-lolrmm.json'))
    wanted = {x['name'].lower() for x in extra['names_not_in_lolrmm'] if set(s.split('/')[0] for s in x['sources']) - {'itm8SocSE'}}
    skip_ext = ('.msi', '.dmg', '.pkg', '.deb', '.sh', '.com')
    for r in other:
        src = r['source']; lic = r.get('license', '')
        if src.startswith('itm8SocSE'): continue
        def target(n):
            if n.lower() in NAME_OVERRIDE: return NAME_OVERRIDE[n.lower()]
            if src.startswith('LivingInSyn/RMML'): return RMML_MAP.get(src.split('/')[-1].rsplit('.', 1)[0])
            if src.startswith('splunk'): return SPLUNK_MAP.get(r['name_to_tool'].get(n)) if isinstance(r.get('name_to_tool'), dict) else None
            if src.startswith('elastic'): return ELASTIC_MAP.get((r.get('name_to_vendor') or {}).get(n)) if isinstance(r.get('name_to_vendor'), dict) else None
            return None
        by_os = r.get('names_by_os') or {}
        for n in r.get('names', []):
            if n.lower() not in wanted or n.lower().endswith(skip_ext) or '\\' in n or n.startswith('/') or '/' in n: continue
            tid = target(n)
            if tid is None or tid not in tools: continue
            os = next((OS[k] for k, v in by_os.items() if n in v), 'win32' if n.lower().endswith('.exe') else 'any')
            tools[tid]['_add'](n, os, 'app' if n.lower().endswith('.app') else 'process', f'{src} ({lic})')
    for tid, add in ADDITIONS.items():
        t = tools[tid]
        for n in add.get('names', []): t['_add'](n['n'], n['os'], n['kind'], n.get('src'), n.get('uncertain', False))
        t['bundleIds'] += [b for b in add.get('bundleIds', []) if b not in t['bundleIds']]
        t['paths'] += add.get('paths', [])
        t['ports'] += [p for p in add.get('ports', []) if p['port'] not in {q['port'] for q in t['ports']}]
        for k in ('category', 'vendor'):
            if k in add: t[k] = add[k]
        if 'source' in add: t['source'] += '; ' + add['source']
    out = []
    for t in sorted(tools.values(), key=lambda t: t['id']):
        t.pop('_add'); out.append(t)
    doc = {
        'about': 'Remote-access, remote-support, RMM, RAT and tunnel tools. Every LOLRMM tool (magicsword-io/LOLRMM, Apache-2.0, '
                 'commit 3c75cf09) with names folded in from LivingInSyn/RMML (MIT), SigmaHQ/sigma (DRL 1.1), splunk/security_content '
                 '(Apache-2.0) and elastic/detection-rules (names only, Elastic License 2.0), plus farmwatch additions for Linux and '
                 'macOS with their sources. See docs/catalogs.md.',
        'licence': 'Data derived from LOLRMM is Apache-2.0; attribution per entry in `source`.',
        'commonPorts': COMMON_PORTS,
        'remoteControlPorts': REMOTE_CONTROL_PORTS,
        'tools': out,
    }
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')

from additions import COMMON_PORTS, REMOTE_CONTROL_PORTS
main()
