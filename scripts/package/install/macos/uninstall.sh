#!/bin/sh
# farmwatch agent uninstaller for macOS. Safe to run twice, or where farmwatch was never installed.
#
# Usage: uninstall.sh [--purge] [--root DIR]
#   --purge     also delete agent.json, the device token, unsent reports and the baseline, and the logs. Without it the
#               folder keeps them (the binary is removed), so a later install.sh finds the device enrolled.
#   --root DIR  remove from DIR instead of / (no launchctl)
# Exit codes: 0 removed (or nothing to remove); 1 a file could not be removed; 2 usage error or not root.
set -eu

label=com.farmwatch.agent
root=/
purge=0
die() { code=$1; shift; printf 'farmwatch uninstall: %s\n' "$*" >&2; exit "$code"; }

while [ $# -gt 0 ]; do
  case $1 in
    --purge) purge=1; shift ;;
    --root) [ $# -ge 2 ] && [ -n "$2" ] || die 2 "--root needs a value"; root=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die 2 "unknown option $1 (see --help)" ;;
  esac
done

live=0
if [ "$root" = / ]; then live=1; root=; else
  [ -d "$root" ] || die 2 "--root $root is not a directory"
  root=$(cd "$root" && pwd)
fi
if [ "$live" = 1 ] && [ "$(id -u)" != 0 ]; then die 2 "must run as root"; fi

home="$root/Library/Application Support/farmwatch"
if [ "$live" = 1 ]; then launchctl bootout "system/$label" >/dev/null 2>&1 || true; fi
rm -f "$root/Library/LaunchDaemons/$label.plist" "$root/etc/newsyslog.d/farmwatch.conf" || die 1 "cannot remove the plist"
if [ -L "$root/usr/local/bin/farmwatch" ]; then rm -f "$root/usr/local/bin/farmwatch" || die 1 "cannot remove /usr/local/bin/farmwatch"; fi
rm -f "$home/farmwatch" "$home/farmwatch.v8cache" || die 1 "cannot remove $home/farmwatch"
kept="config and state kept (--purge removes them)"
if [ "$purge" = 1 ]; then
  rm -rf "$home" "$root/Library/Logs/farmwatch" || die 1 "cannot remove $home"
  kept="config, state and logs removed"
fi
printf 'farmwatch uninstall: removed; %s\n' "$kept"
