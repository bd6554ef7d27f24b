#!/bin/sh
# farmwatch agent uninstaller for Linux. Safe to run twice, or where farmwatch was never installed.
#
# Usage: uninstall.sh [--purge] [--root DIR]
#   --purge     also delete /etc/farmwatch (config) and /var/lib/farmwatch (device token, unsent reports, baseline).
#               Without it they stay, so a later install.sh finds the device enrolled.
#   --root DIR  remove from DIR instead of / (no systemctl)
# Exit codes: 0 removed (or nothing to remove); 1 a file could not be removed; 2 usage error or not root.
set -eu

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

if [ "$live" = 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  # SIGTERM: the agent finishes its cycle and exits (TimeoutStopSec=30 in the unit).
  systemctl disable --now farmwatch.service >/dev/null 2>&1 || true
fi

rm -f "$root/etc/systemd/system/farmwatch.service" || die 1 "cannot remove the unit"
if [ "$live" = 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
if [ -L "$root/usr/bin/farmwatch" ]; then rm -f "$root/usr/bin/farmwatch" || die 1 "cannot remove /usr/bin/farmwatch"; fi
rm -rf "$root/opt/farmwatch" || die 1 "cannot remove /opt/farmwatch"
kept="config and state kept (--purge removes them)"
if [ "$purge" = 1 ]; then
  rm -rf "$root/etc/farmwatch" "$root/var/lib/farmwatch" || die 1 "cannot remove the config or state"
  kept="config and state removed"
fi
printf 'farmwatch uninstall: removed; %s\n' "$kept"
