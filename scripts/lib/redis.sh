# A throwaway Redis server on loopback, for tests and benchmarks (sourced, not run).
# start_redis DIR: start redis-server on a free port with its files in DIR, wait until it
# answers, and set redis_url. stop_redis DIR: stop it (nothing is kept).

redis_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_redis() {
  local dir=$1 port tries=0
  port=$(redis_free_port)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # What the tests write is thrown away: no snapshots, no append-only file.
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" --daemonize yes --pidfile "$dir/redis.pid"
  until redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "redis.sh: redis-server does not answer on port $port (see $dir/redis.log)" >&2
      return 1
    fi
    sleep 0.1
  done
  redis_url="redis://127.0.0.1:$port"
}

stop_redis() {
  local dir=$1 pid tries=0
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  # Gone before the caller removes DIR, where it writes its log.
  while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 50 ]; do
    tries=$((tries + 1))
    sleep 0.1
  done
  rm -f "$dir/redis.pid"
}
