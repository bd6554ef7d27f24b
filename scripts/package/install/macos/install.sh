#!/bin/sh
# farmwatch agent installer for macOS (a LaunchDaemon). Runnable from Jamf/Intune or by hand; running it again
# upgrades in place.
#
# Usage: install.sh [--binary FILE] [--server URL] [--secret-file FILE] [--config FILE] [--force] [--root DIR] [--no-start]
#   --binary FILE       the agent: the signed single executable for macOS (docs/deployment.md) or the bundle
#                       farmwatch.cjs (needs node >= 20 in PATH). Default: farmwatch or farmwatch.cjs next to this script.
#   --server URL        the farmwatch server; written to a new config, and used to enroll
#   --secret-file FILE  the fleet's enrollment secret, in a file (never in argv). Enrolls unless already enrolled.
#   --config FILE       install this config (only if none exists, or with --force)
#   --force             replace an existing agent.json
#   --root DIR          install into DIR instead of / (packaging, tests): no launchctl, no chown
#   --no-start          install, but do not (re)load the daemon
# Exit codes: 0 installed (and loaded when enrolled); 1 failed to install; 2 usage error or not root;
#   3 installed, but enrollment failed; 4 installed and enrolled, but launchd did not load the daemon.
# Layout: /Library/Application Support/farmwatch/ (0700: farmwatch, agent.json, token, spool, baseline),
#   /usr/local/bin/farmwatch -> the binary (root only: use sudo), /Library/LaunchDaemons/com.farmwatch.agent.plist,
#   /Library/Logs/farmwatch/agent.log (rotated by /etc/newsyslog.d/farmwatch.conf).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
label=com.farmwatch.agent
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
plist_src=$here/$label.plist
[ -f "$plist_src" ] || die 2 "$plist_src is missing"
[ -z "$config_in" ] || [ -f "$config_in" ] || die 2 "--config $config_in: no such file"
[ -z "$secret_file" ] || [ -r "$secret_file" ] || die 2 "--secret-file $secret_file: cannot read it"
case $server in ''|http://*|https://*) ;; *) die 2 "--server must be an http(s) URL, got $server" ;; esac
case $server in *'"'*|*'\'*) die 2 "--server must not contain quotes or backslashes" ;; esac

home="$root/Library/Application Support/farmwatch"
exe=$home/farmwatch
config=$home/agent.json
plist=$root/Library/LaunchDaemons/$label.plist
logs=$root/Library/Logs/farmwatch

umask 022
mkdir -p "$home" "$root/Library/LaunchDaemons" "$logs" "$root/usr/local/bin" "$root/etc/newsyslog.d" || die 1 "cannot create the directories under ${root:-/}"
# One private folder: the agent's state (token, spool, baseline) lives beside its binary and config.
chmod 0700 "$home" || die 1 "cannot set the mode of $home"

action=installed
if [ -f "$exe" ]; then
  if cmp -s "$binary" "$exe"; then action=unchanged; else action=upgraded; fi
fi
if [ "$action" != unchanged ]; then
  cp "$binary" "$exe.new" && chmod 0755 "$exe.new" || { rm -f "$exe.new"; die 1 "cannot write $exe"; }
  # A copy fetched by a browser carries the quarantine flag; an MDM package does not. Gatekeeper still checks the signature.
  if [ "$live" = 1 ]; then xattr -d com.apple.quarantine "$exe.new" 2>/dev/null || true; fi
  mv -f "$exe.new" "$exe" || die 1 "cannot write $exe"
fi
ln -sfn "/Library/Application Support/farmwatch/farmwatch" "$root/usr/local/bin/farmwatch" || die 1 "cannot link /usr/local/bin/farmwatch"
# The bundle's V8 code cache, built with it (farmwatch.cjs.v8cache): installed beside it, or an old one removed.
if [ -f "$binary.v8cache" ]; then
  cp "$binary.v8cache" "$exe.v8cache.new" && chmod 0644 "$exe.v8cache.new" && mv -f "$exe.v8cache.new" "$exe.v8cache" || { rm -f "$exe.v8cache.new"; die 1 "cannot write $exe.v8cache"; }
else
  rm -f "$exe.v8cache"
fi
version=$("$exe" --version 2>/dev/null) || die 1 "$exe does not run (the bundle needs node >= 20 in PATH)"

config_action=kept
if [ ! -f "$config" ] || [ "$force" = 1 ]; then
  if [ -n "$config_in" ]; then
    cp "$config_in" "$config.new" || die 1 "cannot write $config"
  elif [ -n "$server" ]; then
    printf '{\n  "server": { "url": "%s" }\n}\n' "$server" > "$config.new" || die 1 "cannot write $config"
  else
    printf '{}\n' > "$config.new" || die 1 "cannot write $config"
  fi
  chmod 0600 "$config.new"
  mv -f "$config.new" "$config"
  config_action=written
fi

plist_action=unchanged
if ! cmp -s "$plist_src" "$plist"; then
  cp "$plist_src" "$plist.new" && chmod 0644 "$plist.new" && mv -f "$plist.new" "$plist" || die 1 "cannot write $plist"
  plist_action=written
fi
printf '%s\n' '# farmwatch agent log: keep 5, rotate at 1 MiB, JSON lines' \
  '/Library/Logs/farmwatch/agent.log	640	5	1024	*	NJ' > "$root/etc/newsyslog.d/farmwatch.conf"
if [ "$live" = 1 ]; then
  chown -R root:wheel "$home" "$plist" "$logs" || die 1 "cannot chown the files to root:wheel"
fi

enrolled=0
[ -f "$home/enrollment.json" ] && enrolled=1
if [ -n "$secret_file" ] && [ "$enrolled" = 0 ]; then
  if [ "$live" = 1 ]; then
    set -- --config "$config"
    [ -n "$server" ] && set -- "$@" --server "$server"
  else
    # The installed config as it is (server.url, server.caFile, client certificate, proxy), the state under --root.
    set -- --config "$config" --state-dir "$home"
    [ -n "$server" ] && set -- "$@" --server "$server"
  fi
  # The line above names the cause and its fix (certificate, DNS, refused, secret, approval, reset): no advice here.
  if "$exe" enroll "$@" --secret-file "$secret_file" >/dev/null; then enrolled=1; else
    die 3 "farmwatch $version $action at $exe, config $config_action, but not enrolled: the line above says why and what to do, then run this installer again"
  fi
fi

if [ "$live" = 1 ] && [ "$enrolled" = 1 ] && [ "$start" = 1 ]; then
  # bootout stops the old daemon (SIGTERM, ExitTimeOut) so the new binary and plist are used; absent the first time.
  launchctl bootout "system/$label" >/dev/null 2>&1 || true
  launchctl bootstrap system "$plist" || die 4 "farmwatch $version installed and enrolled, but launchctl bootstrap failed: see /Library/Logs/farmwatch/agent.log"
fi

if [ "$enrolled" = 1 ]; then how=enrolled; else how="not enrolled (rerun with --server URL --secret-file FILE)"; fi
say "farmwatch $version $action in $home, config $config_action, plist $plist_action, $how"
