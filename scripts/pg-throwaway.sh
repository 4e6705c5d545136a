#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder, reachable only through a Unix socket in that
# folder (no TCP port), for CI checks and local trials:
#
#   scripts/pg-throwaway.sh start DIR    initdb + pg_ctl start (superuser `ci`, trust auth);
#                                        prints the state URL, e.g.
#                                        postgres://ci@%2Ftmp%2Fpg.X/postgres
#   scripts/pg-throwaway.sh stop DIR     pg_ctl stop -m fast, then removes DIR
#
# Uses Debian's server (`apt-get install -y postgresql`; the newest /usr/lib/postgresql/*/bin).
# Run as root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
usage() { sed -n '2,11p' "$0" >&2; exit 1; }
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] \
    || { echo "pg-throwaway.sh: no PostgreSQL server found; install it: apt-get install -y postgresql" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
    start)
        mkdir -p "$dir"
        dir="$(cd "$dir" && pwd)"
        [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
        as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U ci >/dev/null
        as_pg "$pgbin/pg_ctl" -D "$dir/data" -o "-c listen_addresses='' -k $dir" -w -l "$dir/log" start >/dev/null \
            || { cat "$dir/log" >&2; exit 1; }
        # The socket folder, percent-encoded as the URL's host.
        printf 'postgres://ci@%s/postgres\n' "$(printf '%s' "$dir" | sed 's|/|%2F|g')"
        ;;
    stop)
        [ -d "$dir/data" ] && as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
        rm -rf "$dir"
        ;;
    *) usage ;;
esac
