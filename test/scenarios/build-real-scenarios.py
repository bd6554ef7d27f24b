#!/usr/bin/env python3
"""Builds the scenarios that carry real process lists (test/scenarios/corpus/{clean-mac-real-ps,clean-windows-real-netstat,
real-win10-anydesk-teamviewer,collab-teams-listed-as-parsec,collab-goto-meeting,renamed-teamviewer,renamed-anydesk-mac}.json)
from the jc project's MIT captures, on top of the hand-built clean-mac.json and clean-windows.json.

Usage: python3 test/scenarios/build-real-scenarios.py /path/to/reference-data
"""
import copy, importlib.util, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
W = os.path.join(HERE, 'corpus') + '/'
RO = os.path.join(sys.argv[1], 'captures', 'real-os') + '/'
_spec = importlib.util.spec_from_file_location('common_programs', os.path.join(HERE, '..', '..', 'scripts', 'catalogs', 'common-programs.py'))
_cp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cp)
mac_exe = _cp.mac_exe

def dump(name, d):
    open(W + name + '.json', 'w').write(json.dumps(d, indent=1, ensure_ascii=False) + '\n')

# macOS: the jc ps axu table
mac = json.load(open(W+'clean-mac.json'))
procs=[]
for line in open(RO+'darwin/darwin__ps-axu__jc-osx10146.txt').read().splitlines()[1:]:
    parts=line.split(None,10)
    if len(parts)<11: continue
    user,pid,cmd=parts[0],int(parts[1]),parts[10]
    words=cmd.split(' ')
    end=1
    for j in range(1,len(words)):
        if words[j].startswith(('-','/')): break
        if '/' in words[j]: end=j+1
    path=' '.join(words[:end])
    name=mac_exe(cmd)
    p={'pid':pid,'name':name,'user':'maria' if user=='kbrazil' else user}
    if path.startswith('/'): p['exe']=path; p['cmdline']=[path]
    procs.append(p)
m=copy.deepcopy(mac)
m['description']='Real macOS 10.14.6 MacBook process table (374 processes: Docker, Sublime Text, Outlook, Jamf, Tanium, Ivanti/LANDesk management with its remote-control module, BeyondTrust privilege management) in an otherwise ordinary snapshot: a managed corporate Mac with no one controlling it from abroad.'
m['source']='Processes: the real `ps axu` table of kellyjonbrazil/jc@a762882f1ccea6789ce7813b313f3242175b5bd6:tests/fixtures/osx-10.14.6/ps-axu.out (MIT) — pid, user (the contributor\'s login replaced) and the executable path (paths with spaces rejoined); the rest of the snapshot is clean-mac.json (hand-built after the schema).'
m['snapshot']['processes']=procs
m['snapshot']['network']['connections']=[c for c in m['snapshot']['network']['connections'] if 'pid' not in c]
m['expected']={'level':'none','rules':[],'suppressedRules':['remote-access.running'],'absentRules':['remote-access.installed','remote-access.multiple']}
m['config']['allow']={'tools':['tanium']}
m['description']+=' The employer allow-lists its own management agent (Tanium, an RMM the catalog knows), as a company running it would; Apple\'s parsecd (Siri suggestions) is no Parsec.'
dump('clean-mac-real-ps', m)

# Windows: owning executables of the jc netstat -aonb capture
text=open(RO+'win32/win32__netstat-aonb__jc-win10.txt',encoding='utf-8',errors='replace').read().replace('\r','')
lines=text.split('\n'); exes={}
for i,l in enumerate(lines):
    mm=re.match(r'\s*(TCP|UDP)\s+.*\s(\d+)\s*$',l)
    if mm and i+1<len(lines):
        nx=lines[i+1].strip()
        b=re.match(r'^\[([^\]]+)\]$',nx)
        if b: exes.setdefault(int(mm.group(2)),b.group(1))
win=json.load(open(W+'clean-windows.json'))
base=win['snapshot']['processes']
tools={'AnyDesk.exe','TeamViewer_Service.exe'}
real=[{'pid':pid,'name':n} for pid,n in sorted(exes.items()) if n!='System']
w=copy.deepcopy(win)
w['description']='Real Windows 10 laptop: the owning executables of its sockets (Bitdefender, Dell SupportAssist, NVIDIA, Hyper-V and VMware hosts, Foxit, Spotify, Telegram, WhatsApp, Chrome, VS Code, Python) beside the default Windows processes; the two remote tools it also ran are left out (see real-win10-anydesk-teamviewer).'
w['source']='Processes: pid and executable of every socket in the real `netstat -aonb` of kellyjonbrazil/jc@5023e5be4cd97c5d6b5a255d35a6840eba9dd79e:tests/fixtures/windows/windows-10/netstat-aonb.out (MIT) (netstat -b shows no paths), AnyDesk.exe and TeamViewer_Service.exe left out; the default Windows processes and the rest of the snapshot are clean-windows.json (hand-built after Microsoft\'s documentation of default processes: no real Win32_Process capture with a permissive licence was found).'
used={p['pid'] for p in base}
w['snapshot']['processes']=base+[p for p in real if p['name'] not in tools and p['pid'] not in used]
w['snapshot']['network']['connections']=[c for c in w['snapshot']['network']['connections'] if 'pid' not in c]
w['expected']={'level':'none','rules':[],'absentRules':['remote-access.running','remote-access.installed']}
dump('clean-windows-real-netstat', w)

t=copy.deepcopy(w)
t['description']='The same real Windows 10 laptop with the two remote tools it really ran: AnyDesk and TeamViewer\'s service, both owning sockets.'
t['source']=w['source'].replace(', AnyDesk.exe and TeamViewer_Service.exe left out','')
t['snapshot']['processes']=base+[p for p in real if p['pid'] not in used]
t['expected']={'minLevel':'medium','rules':['remote-access.running'],'absentRules':[]}
dump('real-win10-anydesk-teamviewer', t)

# Collaboration app listed under a remote tool: Microsoft Teams (Parsec's teams.exe upstream), installed in a folder called Teams
c=copy.deepcopy(win)
c['description']='Windows laptop with classic Microsoft Teams installed per user and running: an upstream catalog lists teams.exe under Parsec, and the installed program\'s folder repeats the name.'
c['source']='clean-windows.json (hand-built after Microsoft\'s documentation of default processes) plus classic Teams as Microsoft installs it per user (%LOCALAPPDATA%\\Microsoft\\Teams\\current\\Teams.exe, an Uninstall entry whose InstallLocation is the Teams folder); teams.exe is listed under Parsec in LOLRMM yaml/parsec.yaml.'
folder='C:\\Users\\jdoe\\AppData\\Local\\Microsoft\\Teams'
c['snapshot']['processes']=base+[{'pid':7340,'ppid':5012,'name':'Teams.exe','user':'jdoe','exe':folder+'\\current\\Teams.exe','cmdline':[folder+'\\current\\Teams.exe']},
  {'pid':7388,'ppid':7340,'name':'Teams.exe','user':'jdoe','exe':folder+'\\current\\Teams.exe','cmdline':[folder+'\\current\\Teams.exe','--type=renderer']}]
c['snapshot'].setdefault('software',{'items':[]})
c['snapshot']['software']['items']=list(c['snapshot']['software'].get('items',[]))+[{'name':'Microsoft Teams','version':'1.7.00.13456','source':'registry','publisher':'Microsoft Corporation','path':folder}]
c['expected']={'level':'none','rules':[],'absentRules':['remote-access.running','remote-access.installed']}
dump('collab-teams-listed-as-parsec', c)

g=copy.deepcopy(win)
g['description']='Windows laptop in a GoTo Meeting call: the meeting app\'s processes (g2mcomm, g2mstart, g2mlauncher, g2mui) are listed under GoToMyPC upstream.'
g['source']='clean-windows.json plus GoTo Meeting\'s desktop processes as GoTo documents them (per-user install under %LOCALAPPDATA%\\GoToMeeting\\<build>); g2m* names listed under GoToMyPC in LOLRMM yaml/gotomypc.yaml.'
gd='C:\\Users\\jdoe\\AppData\\Local\\GoToMeeting\\19950'
g['snapshot']['processes']=base+[{'pid':8100+i,'ppid':5012,'name':n,'user':'jdoe','exe':gd+'\\'+n,'cmdline':[gd+'\\'+n]} for i,n in enumerate(['g2mlauncher.exe','g2mstart.exe','g2mcomm.exe','g2mui.exe'])]
g['expected']={'level':'none','rules':[],'absentRules':['remote-access.running','remote-access.installed']}
dump('collab-goto-meeting', g)

# Renamed tool: TeamViewer's service renamed, still in its install folder
r=copy.deepcopy(win)
r['description']='TeamViewer with its executables renamed to look like Windows (svchelper.exe, RuntimeHost.exe) but running from TeamViewer\'s install folder.'
r['source']='clean-windows.json plus TeamViewer\'s install path as the catalog lists it (C:\\Program Files\\TeamViewer, TeamViewer Windows installer); the renaming is what a farm operator does to hide the tool.'
td='C:\\Program Files\\TeamViewer'
r['snapshot']['processes']=base+[{'pid':3310,'ppid':700,'name':'svchelper.exe','user':'SYSTEM','exe':td+'\\svchelper.exe','cmdline':[td+'\\svchelper.exe']},
  {'pid':6620,'ppid':5012,'name':'RuntimeHost.exe','user':'jdoe','exe':td+'\\RuntimeHost.exe','cmdline':[td+'\\RuntimeHost.exe']}]
r['expected']={'minLevel':'medium','rules':['remote-access.running'],'absentRules':[]}
dump('renamed-teamviewer', r)

a=copy.deepcopy(m)
a['description']='The real managed Mac above (Tanium allow-listed by the employer) with AnyDesk renamed: its executable called ScreenHelper, still inside the AnyDesk.app bundle with its bundle id.'
a['source']=m['source']+" AnyDesk's bundle path and id as the catalog lists them (support.anydesk.com macOS pages: /Applications/AnyDesk.app, com.philandro.anydesk); the renaming is what a farm operator does to hide the tool."
ad='/Applications/AnyDesk.app/Contents/MacOS/ScreenHelper'
a['snapshot']['processes']=m['snapshot']['processes']+[{'pid':9123,'name':'ScreenHelper','user':'maria','exe':ad,'cmdline':[ad]}]
a['snapshot']['software']['items']=m['snapshot']['software']['items']+[{'name':'ScreenHelper','version':'9.0.5','source':'app-bundle','path':'/Applications/AnyDesk.app','bundleId':'com.philandro.anydesk'}]
a['expected']={'minLevel':'medium','rules':['remote-access.running'],'absentRules':[]}
dump('renamed-anydesk-mac', a)
