#!/usr/bin/env python3
"""Builds four scenarios on top of the hand-built clean-mac, clean-windows, clean-office-laptop and jetkvm-renamed
scenarios: far-session-mac-nettop, far-session-windows-probe, kvm-spoofed-inquiry-only, ch9329-usb-kvm.

The rttMs of the two far sessions are what the agent's session-RTT step makes of recorded output (test/fixtures/darwin/
nettop-m-tcp-L1-J-state-rtt_avg.txt, test/fixtures/win32/ping-n3-w1000--peer.txt); test/scenarios/session-rtt-corpus.test.ts
rebuilds them through that step and fails if they differ.

Usage: python3 test/scenarios/build-kvm-rtt-scenarios.py
"""
import copy, json, os

W = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus') + '/'

def load(name):
    return json.load(open(W + name + '.json'))

def dump(name, d):
    open(W + name + '.json', 'w').write(json.dumps(d, indent=1, ensure_ascii=False) + '\n')

US = {"expected": {"timezones": ["America/*"], "locales": ["en-*", "es-*"], "countries": ["US"]}}

# macOS: AnyDesk connected out to a relay-less peer 182 ms away (nettop rtt_avg).
mac = load('clean-mac')
s = mac['snapshot']
s['processes'].append({"pid": 8412, "ppid": 1, "name": "AnyDesk", "user": "maria", "uid": 501,
                       "exe": "/Applications/AnyDesk.app/Contents/MacOS/AnyDesk", "cmdline": ["/Applications/AnyDesk.app/Contents/MacOS/AnyDesk"]})
s['network']['connections'].append({"protocol": "tcp", "family": 4, "localAddress": "192.168.7.41", "localPort": 50412,
                                    "remoteAddress": "203.0.113.77", "remotePort": 7070, "state": "ESTABLISHED", "pid": 8412, "rttMs": 182.41})
s['collectors']['network']['notes'] = ['session RTT from nettop rtt_avg: 1 of 1 session socket(s) measured']
dump('far-session-mac-nettop', {
    "description": "AnyDesk on a Mac connected to a peer whose kernel-smoothed RTT (nettop rtt_avg) is 182 ms: far beyond the US bound (96 ms).",
    "source": "rttMs from test/fixtures/darwin/nettop-m-tcp-L1-J-state-rtt_avg.txt (ours, after nettop's documented -L CSV form) through agent/session-rtt.ts; rest the hand-built clean-mac scenario",
    "expected": {"minLevel": "high", "rules": ["remote-access.session", "network.session-rtt"], "absentRules": []},
    "config": US,
    "snapshot": s,
})

# Windows: AnyDesk session, peer probed by PING.EXE (device policy sessionRttProbe), region given by time zone only.
win = load('clean-windows')
s = win['snapshot']
s['processes'].append({"pid": 8412, "ppid": 980, "name": "AnyDesk.exe", "user": "SYSTEM",
                       "exe": "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe", "cmdline": ["C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe", "--service"]})
s['network']['connections'].append({"protocol": "tcp", "family": 4, "localAddress": "10.20.4.77", "localPort": 50412,
                                    "remoteAddress": "203.0.113.77", "remotePort": 7070, "state": "ESTABLISHED", "pid": 8412, "rttMs": 209})
s['collectors']['network']['notes'] = ['session RTT by probing the remote peer (device policy sessionRttProbe): 203.0.113.77: ICMP echo']
dump('far-session-windows-probe', {
    "description": "AnyDesk on Windows with the policy's session-peer probe on: the fastest of three echoes to the peer is 209 ms; the expected region is given by time zone only (America/New_York: the US bound, 96 ms).",
    "source": "rttMs from test/fixtures/win32/ping-n3-w1000--peer.txt (ours, after PING.EXE's output) through agent/session-rtt.ts; rest the hand-built clean-windows scenario",
    "expected": {"minLevel": "high", "rules": ["remote-access.session", "network.session-rtt"], "absentRules": []},
    "config": {"expected": {"timezones": ["America/New_York"], "locales": ["en-*"]}},
    "snapshot": s,
})

# Linux: a JetKVM that cloned a Logitech receiver's ids; its virtual media still says "JetKVM Virtual Media".
kvm = load('jetkvm-renamed')
s = kvm['snapshot']
s['usb']['storage'] = [{"vendor": "JetKVM", "model": "Virtual Media", "revision": "0.01", "port": "3-1", "source": "/sys/block/sdb/device"}]
dump('kvm-spoofed-inquiry-only', {
    "description": "A JetKVM whose owner cloned a Logitech receiver's USB ids and strings and a Dell EDID: no id or name is left, but the disk it emulates answers the SCSI inquiry as \"JetKVM  Virtual Media\"; the same USB device has the KVM's HID shape, a second independent fact.",
    "source": "Inquiry string from jetkvm/kvm@bde0a086 internal/usbgadget/mass_storage.go; rest the jetkvm-renamed scenario",
    "expected": {"minLevel": "critical", "rules": ["ipkvm.virtual-media", "ipkvm.hid-shape"], "absentRules": ["ipkvm.usb", "ipkvm.edid"]},
    "config": US,
    "snapshot": s,
})

# Linux: a CH9329 USB-KVM cable: keyboard + absolute mouse only, at its factory id 1a86:e129.
office = load('clean-office-laptop')
s = office['snapshot']
s['usb']['devices'].append({"port": "3-2", "vendorId": "1a86", "productId": "e129", "deviceClass": 0, "bcdDevice": "1.00", "speedMbps": 12,
    "interfaces": [{"number": 0, "class": 3, "subclass": 1, "protocol": 1, "driver": "usbhid"}, {"number": 1, "class": 3, "subclass": 0, "protocol": 0, "driver": "usbhid"}]})
s['inputs']['devices'] += [
    {"name": "USB Composite Device Keyboard", "kind": "keyboard", "absolutePointer": False, "bus": "usb", "vendorId": "1a86", "productId": "e129", "usbPort": "3-2", "handlers": ["sysrq", "kbd", "leds", "event23"]},
    {"name": "USB Composite Device Mouse", "kind": "pointer", "absolutePointer": True, "bus": "usb", "vendorId": "1a86", "productId": "e129", "usbPort": "3-2", "handlers": ["mouse5", "event24"]},
]
dump('ch9329-usb-kvm', {
    "description": "A USB-KVM built on a WCH CH9329: the laptop sees one USB device, keyboard + absolute mouse only (no storage, no network), at the chip's factory id 1a86:e129.",
    "source": "CH9329 default VID/PID as public CH9329 tools use them (see rules/catalogs/ipkvm.json, entry ch9329); input names as Linux hid-generic names a composite HID without strings; rest the clean-office-laptop scenario",
    "expected": {"minLevel": "high", "rules": ["ipkvm.usb", "ipkvm.hid-shape"], "absentRules": ["remote-access.session"]},
    "config": US,
    "snapshot": s,
})
