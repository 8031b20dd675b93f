#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on loopback for the tests that need a real database, installing the
# server from Debian's packages when it is absent. Prints the connection URL on stdout; everything else
# goes to stderr. Usage: url=$(bash scripts/postgres.sh start DIR) ; bash scripts/postgres.sh stop DIR
set -euo pipefail

action=${1:-}
dir=${2:-}
port=${ACTPASS_PG_PORT:-54329}
if [ -z "$action" ] || [ -z "$dir" ]; then
  echo "usage: postgres.sh start|stop DIR" >&2
  exit 2
fi

find_bin() {
  local name=$1
  command -v "$name" 2>/dev/null && return
  ls /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1
}

as_db_user() {
  # PostgreSQL refuses to run as root; when we are root, run it as the `postgres` system user.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [ -z "$(find_bin initdb)" ]; then
      echo "postgres: installing the server from Debian's packages" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql postgres
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = "0" ]; then
      chown postgres "$dir"
      # The server's user must be able to reach DIR: open the search bit on its ancestors (mktemp makes 0700).
      ancestor=$(dirname "$dir")
      while [ "$ancestor" != "/" ]; do chmod o+x "$ancestor"; ancestor=$(dirname "$ancestor"); done
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_db_user "$initdb" -D "$dir/data" -U actpass --auth=trust -E UTF8 >/dev/null
    fi
    as_db_user "$pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c max_connections=200" \
      start >&2
    echo "postgres://actpass@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=$(cd "$dir" && pwd)
    pg_ctl=$(find_bin pg_ctl)
    as_db_user "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    ;;
  *)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
