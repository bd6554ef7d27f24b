#!/bin/sh
# farmwatch agent installer for Linux (systemd). Runnable from an MDM or by hand; running it again upgrades in place.
#
# Usage: install.sh [--binary FILE] [--server URL] [--secret-file FILE] [--config FILE] [--force] [--root DIR] [--no-start]
#   --binary FILE       the agent: the single executable (npm run build:sea) or the bundle farmwatch.cjs (needs node
#                       >= 20 in PATH). Default: farmwatch or farmwatch.cjs next to this script.
#   --server URL        the farmwatch server; written to a new config, and used to enroll
#   --secret-file FILE  the fleet's enrollment secret, in a file (never in argv: argv shows in `ps`). Enrolls the
#                       device unless it is already enrolled. The MDM should delete the file afterwards.
#   --config FILE       install this config as /etc/farmwatch/agent.json (only if none exists, or with --force)
#   --force             replace an existing /etc/farmwatch/agent.json
#   --root DIR          install into DIR instead of / (packaging, tests): no systemctl; enrollment, if asked, uses
#                       the installed config (server.url, server.caFile, ...) and writes DIR/var/lib/farmwatch
#   --no-start          install and enable, but do not (re)start the service
# Exit codes: 0 installed (and running when enrolled); 1 failed to install; 2 usage error (bad option, missing file,
#   not root); 3 installed, but enrollment failed (the agent's line says why and what to do); 4 installed and enrolled, but the
#   service did not start (journalctl -u farmwatch).
# Layout: /opt/farmwatch/farmwatch, /usr/bin/farmwatch -> it, /etc/farmwatch/agent.json,
#   /var/lib/farmwatch (0700: token, spool, baseline), /etc/systemd/system/farmwatch.service.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=/
binary=
server=
secret_file=
config_in=
force=0
start=1

say() { printf 'farmwatch install: %s\n' "$*"; }
die() { code=$1; shift; printf 'farmwatch install: %s\n' "$*" >&2; exit "$code"; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die 2 "$1 needs a value (see the header of $0)"; }

while [ $# -gt 0 ]; do
  case $1 in
    --binary) need_arg "$@"; binary=$2; shift 2 ;;
    --server) need_arg "$@"; server=$2; shift 2 ;;
    --secret-file) need_arg "$@"; secret_file=$2; shift 2 ;;
    --config) need_arg "$@"; config_in=$2; shift 2 ;;
    --root) need_arg "$@"; root=$2; shift 2 ;;
    --force) force=1; shift ;;
    --no-start) start=0; shift ;;
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

if [ -z "$binary" ]; then
  for candidate in "$here/farmwatch" "$here/farmwatch.cjs" "$here/../../../dist/sea/farmwatch" "$here/../../../dist/bundle/farmwatch.cjs"; do
    if [ -f "$candidate" ]; then binary=$candidate; break; fi
  done
  [ -n "$binary" ] || die 2 "no agent binary next to $0 (farmwatch or farmwatch.cjs); give --binary FILE"
fi
[ -f "$binary" ] || die 2 "--binary $binary: no such file"
unit_src=$here/farmwatch.service
[ -f "$unit_src" ] || die 2 "$unit_src is missing"
[ -z "$config_in" ] || [ -f "$config_in" ] || die 2 "--config $config_in: no such file"
[ -z "$secret_file" ] || [ -r "$secret_file" ] || die 2 "--secret-file $secret_file: cannot read it"
case $server in ''|http://*|https://*) ;; *) die 2 "--server must be an http(s) URL, got $server" ;; esac
case $server in *'"'*|*'\'*) die 2 "--server must not contain quotes or backslashes" ;; esac

opt=$root/opt/farmwatch
etc=$root/etc/farmwatch
state=$root/var/lib/farmwatch
unit=$root/etc/systemd/system/farmwatch.service
exe=$opt/farmwatch
config=$etc/agent.json

umask 022
mkdir -p "$opt" "$etc" "$root/usr/bin" "$root/etc/systemd/system" || die 1 "cannot create the directories under ${root:-/}"
mkdir -p "$state" && chmod 0700 "$state" || die 1 "cannot create $state"

# The binary: copied beside, then renamed over the old one, so a running agent keeps its file until it restarts.
action=installed
if [ -f "$exe" ]; then
  if cmp -s "$binary" "$exe"; then action=unchanged; else action=upgraded; fi
fi
if [ "$action" != unchanged ]; then
  cp "$binary" "$exe.new" && chmod 0755 "$exe.new" && mv -f "$exe.new" "$exe" || { rm -f "$exe.new"; die 1 "cannot write $exe"; }
fi
# The bundle's V8 code cache, built with it (farmwatch.cjs.v8cache): installed beside it, or an old one removed.
if [ -f "$binary.v8cache" ]; then
  cp "$binary.v8cache" "$exe.v8cache.new" && chmod 0644 "$exe.v8cache.new" && mv -f "$exe.v8cache.new" "$exe.v8cache" || { rm -f "$exe.v8cache.new"; die 1 "cannot write $exe.v8cache"; }
else
  rm -f "$exe.v8cache"
fi
ln -sfn /opt/farmwatch/farmwatch "$root/usr/bin/farmwatch" || die 1 "cannot link /usr/bin/farmwatch"
version=$("$exe" --version 2>/dev/null) || die 1 "$exe does not run (the bundle needs node >= 20 in PATH)"

# The config: written once; an existing one is kept unless --force.
config_action=kept
if [ ! -f "$config" ] || [ "$force" = 1 ]; then
  if [ -n "$config_in" ]; then
    cp "$config_in" "$config.new" || die 1 "cannot write $config"
  elif [ -n "$server" ]; then
    printf '{\n  "server": { "url": "%s" }\n}\n' "$server" > "$config.new" || die 1 "cannot write $config"
  else
    printf '{}\n' > "$config.new" || die 1 "cannot write $config"
  fi
  # A secret kept in the config (enrollSecret) makes the file root-only; otherwise users may read it for diagnose.
  if grep -q '"enrollSecret"' "$config.new"; then chmod 0600 "$config.new"; else chmod 0644 "$config.new"; fi
  mv -f "$config.new" "$config"
  config_action=written
fi

unit_action=unchanged
if ! cmp -s "$unit_src" "$unit"; then
  cp "$unit_src" "$unit.new" && chmod 0644 "$unit.new" && mv -f "$unit.new" "$unit" || die 1 "cannot write $unit"
  unit_action=written
fi

# Enrollment: once per device (the server answers 409 to a second one until an admin resets the device).
enrolled=0
[ -f "$state/enrollment.json" ] && enrolled=1
if [ -n "$secret_file" ] && [ "$enrolled" = 0 ]; then
  if [ "$live" = 1 ]; then
    set -- --config "$config"
    [ -n "$server" ] && set -- "$@" --server "$server"
  else
    # The installed config as it is (server.url, server.caFile, client certificate, proxy), the state under --root.
    set -- --config "$config" --state-dir "$state"
    [ -n "$server" ] && set -- "$@" --server "$server"
  fi
  # The line above names the cause and its fix (certificate, DNS, refused, secret, approval, reset): no advice here.
  if "$exe" enroll "$@" --secret-file "$secret_file" >/dev/null; then enrolled=1; else
    die 3 "farmwatch $version $action at $exe, config $config_action, but not enrolled: the line above says why and what to do, then run this installer again"
  fi
fi

if [ "$live" = 1 ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload >/dev/null
    systemctl enable farmwatch.service >/dev/null 2>&1 || die 1 "systemctl enable farmwatch.service failed"
    if [ "$enrolled" = 1 ] && [ "$start" = 1 ]; then
      systemctl restart farmwatch.service || die 4 "farmwatch $version installed and enrolled, but the service did not start: journalctl -u farmwatch"
    fi
  else
    say "systemd is not running here: the unit is installed but not enabled"
  fi
fi

if [ "$enrolled" = 1 ]; then how=enrolled; else how="not enrolled (rerun with --server URL --secret-file FILE)"; fi
say "farmwatch $version $action in ${root:-}/opt/farmwatch, config $config_action, unit $unit_action, $how"
