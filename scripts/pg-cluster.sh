# pg-cluster.sh: throwaway PostgreSQL 15 clusters for the tests (sourced by
# scripts/pg-test.sh; `source scripts/pg-cluster.sh` to use by hand).
#
#   pg_cluster_start DIR          initdb into DIR/primary, start it on a Unix
#                                 socket in DIR (no TCP), database `veille`
#   pg_replica_start DIR          a hot-standby streaming replica of it,
#                                 made with pg_basebackup -R (DIR/replica)
#   pg_cluster_stop DIR           stop both (immediate), remove DIR
#   pg_uri DIR [primary|replica]  the libpq URI of one of them
#
# The servers run as the `postgres` user (initdb refuses root) from Debian's
# postgresql-15 binaries; local connections are trusted (the cluster is
# reachable only through the socket in DIR, mode 0700 to others).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT_PRIMARY=${PG_PORT_PRIMARY:-55432}
PG_PORT_REPLICA=${PG_PORT_REPLICA:-55433}

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_uri() {
  local dir=$1 which=${2:-primary} port=$PG_PORT_PRIMARY
  [ "$which" = replica ] && port=$PG_PORT_REPLICA
  echo "postgresql:///veille?host=$dir&port=$port&user=postgres"
}

pg_cluster_start() {
  local dir=$1
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  chmod 0700 "$dir"
  pg_as "$PG_BIN/initdb" -D "$dir/primary" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  cat >>"$dir/primary/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $PG_PORT_PRIMARY
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = on
shared_buffers = 128MB
max_connections = 40
EOF
  echo "local replication all trust" >>"$dir/primary/pg_hba.conf"
  pg_as "$PG_BIN/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start >/dev/null ||
    { cat "$dir/primary.log"; return 1; }
  pg_as "$PG_BIN/createdb" -h "$dir" -p "$PG_PORT_PRIMARY" -U postgres veille
}

pg_replica_start() {
  local dir=$1
  pg_as "$PG_BIN/pg_basebackup" -h "$dir" -p "$PG_PORT_PRIMARY" -U postgres -D "$dir/replica" -R \
    -X stream >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log"; return 1; }
  cat >>"$dir/replica/postgresql.conf" <<EOF
port = $PG_PORT_REPLICA
EOF
  pg_as "$PG_BIN/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w start >/dev/null ||
    { cat "$dir/replica.log"; return 1; }
}

# Waits until the replica has replayed everything the primary wrote.
pg_replica_catch_up() {
  local dir=$1 lsn i
  lsn=$("$PG_BIN/psql" -h "$dir" -p "$PG_PORT_PRIMARY" -U postgres -d veille -Atc \
    "SELECT pg_current_wal_lsn()")
  for i in $(seq 1 300); do
    if [ "$("$PG_BIN/psql" -h "$dir" -p "$PG_PORT_REPLICA" -U postgres -d veille -Atc \
      "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ]; then return 0; fi
    sleep 0.1
  done
  echo "replica did not catch up" >&2
  return 1
}

pg_cluster_stop() {
  local dir=$1 d
  for d in replica primary; do
    [ -f "$dir/$d/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$dir/$d" -m immediate -w stop \
      >/dev/null 2>&1
  done
  rm -rf "$dir"
}
