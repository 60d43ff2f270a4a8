# Throwaway PostgreSQL clusters on loopback, for tests and benchmarks (sourced, not run).
# start_postgres DIR [OPTIONS]: initdb in DIR, start the server on a free port, create database agentd,
# and set postgres_url. stop_postgres DIR: stop it at once (the data is thrown away).

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

# initdb and postgres refuse to run as root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_postgres() {
  local dir=$1 options=${2:--c fsync=off} port
  port=$(free_port)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_postgres "$pg_bin/initdb" -D "$dir" -U agentd --auth=trust >/dev/null
  # Durability is not what the tests measure: fsync off (the default here, unless OPTIONS
  # say otherwise) makes creating databases fast.
  as_postgres "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 $options" \
    start >/dev/null
  as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U agentd agentd
  postgres_url="postgres://agentd@127.0.0.1:$port/agentd"
}

stop_postgres() {
  local dir=$1
  if [ -f "$dir/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
  fi
}
