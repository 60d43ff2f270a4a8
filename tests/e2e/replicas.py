"""A scale-out topology on loopback for end-to-end tests: N agentd replicas on one shared
PostgreSQL database and one Redis, behind nginx as a round-robin reverse proxy.

The database is made fresh on the server at AGENTD_TEST_POSTGRES_URL. Redis is a
redis-server of the topology's own on a free port (never a shared one: a test stops and
restarts it, and flushing a shared one would disturb tests running beside it). Only the
first replica migrates the schema; the others start once it is ready."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from harness import Agentd, free_port, postgres_database, wait_for_port

NGINX_BIN = os.environ.get("AGENTD_TEST_NGINX", "/usr/sbin/nginx")
# The same for every replica, so each accepts the JWTs the others sign (32 characters at least).
JWT_SECRET = "replicas-e2e-jwt-secret-0123456789abcdef"


def redis_server_bin():
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None)


def skip_unless_available():
    """Raises SkipTest (or fails, when the run says the service is required) unless
    PostgreSQL, redis-server and nginx are all there."""
    def missing(message, required_by):
        if required_by and os.environ.get(required_by) == "1":
            raise AssertionError(f"{message}, and {required_by}=1")
        raise unittest.SkipTest(message)

    if not os.environ.get("AGENTD_TEST_POSTGRES_URL"):
        missing("AGENTD_TEST_POSTGRES_URL is not set: the replicas share a PostgreSQL database",
                "AGENTD_TESTS_REQUIRE_POSTGRES")
    if redis_server_bin() is None:
        missing("redis-server not found: the replica topology runs a Redis of its own",
                "AGENTD_TESTS_REQUIRE_REDIS")
    if not os.access(NGINX_BIN, os.X_OK):
        missing(f"nginx not found at {NGINX_BIN}: it balances the replicas", None)


def end_process(process):
    """SIGTERM, then SIGKILL when it has not gone within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

class Endpoint(Agentd):
    """The request helpers of Agentd (request, sign_up, connection for EventStream...) for a
    port something else serves: nginx in front of the replicas."""

    def __init__(self, port):  # no process and no data dir of its own
        self.port = port


class RedisServer:
    """A private redis-server on one port, without persistence; stop() and start() again
    keep the port, as a Redis that restarts would."""

    def __init__(self, directory):
        self.port = free_port()
        self.dir = directory
        self.log_path = os.path.join(directory, "redis.log")
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [redis_server_bin(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", self.dir],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while not self.ping():
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{self.logs()}")
            time.sleep(0.02)
        return self

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process:
            end_process(self.process)
            self._log.close()
        self.process = None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


class Nginx:
    """nginx as a round-robin reverse proxy to the given ports, unbuffered (streams pass
    through as they come), in a prefix directory of its own."""

    def __init__(self, directory, upstream_ports):
        self.port = free_port()
        self.dir = directory
        self.conf = os.path.join(directory, "nginx.conf")
        self.error_log = os.path.join(directory, "error.log")
        servers = "".join(f"server 127.0.0.1:{p}; " for p in upstream_ports)
        with open(self.conf, "w") as f:
            f.write(f"""daemon off;
master_process off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {self.error_log} warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {directory}/client_body;
  proxy_temp_path {directory}/proxy;
  fastcgi_temp_path {directory}/fastcgi;
  uwsgi_temp_path {directory}/uwsgi;
  scgi_temp_path {directory}/scgi;
  upstream agentd {{ {servers}}}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://agentd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }}
  }}
}}
""")
        self.process = None

    def start(self):
        self._out = open(os.path.join(self.dir, "stdout.log"), "ab")
        # -e: the error log before the config is read must not go to /var/log/nginx.
        self.process = subprocess.Popen([NGINX_BIN, "-p", self.dir, "-c", self.conf,
                                         "-e", self.error_log],
                                        stdout=self._out, stderr=subprocess.STDOUT)
        wait_for_port(self.port, process=self.process, what="nginx")
        return self

    def stop(self):
        if self.process:
            end_process(self.process)
            self._out.close()


class Topology:
    """`replicas` agentd processes sharing one database and one Redis, and nginx in front.
    `env` is added to every replica's environment; `.replicas[i]` are harness.Agentd
    objects, `.proxy` calls go through nginx, `.redis` is the RedisServer."""

    def __init__(self, replicas=2, env=None):
        self.count = replicas
        self.extra_env = dict(env or {})
        self.dir = tempfile.mkdtemp(prefix="agentd-replicas-")
        self.replicas = []
        self.redis = None
        self.nginx = None
        self.proxy = None
        self.database_url = None
        self.killed = set()  # replicas this topology killed on purpose

    def start(self):
        try:
            self.database_url = postgres_database(self.dir)
            self.redis = RedisServer(self.dir).start()
            for index in range(self.count):
                self.replicas.append(self._start_replica(index, migrate=index == 0))
            self.nginx = Nginx(self.dir, [r.port for r in self.replicas]).start()
            self.proxy = Endpoint(self.nginx.port)
            self._wait_proxy_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def env_for(self, index, migrate):
        return {
            "AGENTD_DATABASE_URL": self.database_url,
            "AGENTD_MIGRATE_ON_START": "true" if migrate else "false",
            "AGENTD_REDIS_URL": self.redis.url,
            "AGENTD_REPLICA_ID": f"replica-{index}",
            "AGENTD_JWT_SECRET": JWT_SECRET,
            **self.extra_env,
        }

    def _start_replica(self, index, migrate, port=None):
        data_dir = os.path.join(self.dir, f"replica-{index}")
        os.makedirs(data_dir, mode=0o700, exist_ok=True)
        env = self.env_for(index, migrate)
        if port is not None:
            env["AGENTD_ADDR"] = f"127.0.0.1:{port}"
        replica = Agentd(env, data_dir=data_dir)
        if port is not None:
            replica.port = port
        return replica.start()

    def _wait_proxy_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.proxy.request("GET", "/ready", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("nginx in front of the replicas is not ready")

    def kill(self, index):
        """kill -9 of one replica: no shutdown, no goodbye."""
        replica = self.replicas[index]
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait(10)
        replica.stop()  # closes its log
        self.killed.add(id(replica))

    def report_crashes(self):
        """The logs of replicas that exited on their own (a crash or a sanitizer report),
        printed to stderr so that a test run shows why a later request was refused."""
        for i, replica in enumerate(self.replicas):
            code = replica.process.poll() if replica.process else None
            if code is not None and id(replica) not in self.killed:
                sys.stderr.write(f"--- replica {i} exited with {code} ---\n"
                                 f"{replica.logs()[-20000:]}\n")

    def restart(self, index):
        """Starts replica `index` again on its port and data dir (it does not migrate)."""
        old = self.replicas[index]
        if old.process and old.process.poll() is None:
            old.stop()
        self.replicas[index] = self._start_replica(index, migrate=False, port=old.port)
        return self.replicas[index]

    def alive(self):
        return [r.process is not None and r.process.poll() is None for r in self.replicas]

    def logs(self, chars=4000):
        """The end of every replica's log, without the access lines, for a failure message."""
        parts = []
        for i, replica in enumerate(self.replicas):
            lines = [line for line in replica.logs().splitlines()
                     if " request method=" not in line and '"event":"request"' not in line]
            parts.append(f"--- replica {i} ---\n" + "\n".join(lines)[-chars:])
        return "\n".join(parts)

    def stop(self):
        self.report_crashes()
        if self.nginx:
            self.nginx.stop()
        for replica in self.replicas:
            replica.stop()
        if self.redis:
            self.redis.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
