"""A throwaway PostgreSQL cluster that one test owns, so it may stop it, crash it, freeze it
and start it again on the same port and data directory (scripts/lib/postgres.sh does the
same in bash for the shared server the other tests use)."""

import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import uuid

from harness import free_port


def postgres_bin_dir():
    """The bin directory of the newest installed PostgreSQL server, or None."""
    def version(path):
        return [int(n) for n in re.findall(r"\d+", path.split("/")[-2])]

    found = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
             if all(os.access(os.path.join(d, tool), os.X_OK)
                    for tool in ("initdb", "pg_ctl", "postgres", "createdb"))]
    return max(found, key=version) if found else None


class PostgresCluster:
    """initdb into a temporary directory, then start / stop / freeze on one loopback port.
    initdb and postgres refuse to run as root, so as root they run as the postgres user."""

    USER = "agentd"

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="agentd-pg-faults-")
        self.log_path = os.path.join(self.dir, "server.log")
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.dir, "postgres")
        # No fsync and no sync after initdb: durability is not what these tests measure.
        self._run("initdb", "-D", self.dir, "-U", self.USER, "--auth=trust", "--no-sync")

    def _run(self, tool, *args, check=True):
        command = [os.path.join(self.bin_dir, tool), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=60)
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout}\n"
                               f"{self.server_log()}")
        return done

    def url(self, database):
        return f"postgres://{self.USER}@127.0.0.1:{self.port}/{database}"

    def start(self):
        """Starts the server on the cluster's port and waits until it accepts connections."""
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                   "-c fsync=off")
        self._run("pg_ctl", "-D", self.dir, "-l", self.log_path, "-w", "-t", "30",
                  "-o", options, "start")

    def stop(self, mode="fast"):
        """`fast`: a clean shutdown that closes every session; `immediate`: a crash, every
        process gone without a goodbye (recovery runs at the next start)."""
        self.thaw()
        self._run("pg_ctl", "-D", self.dir, "-m", mode, "-w", "-t", "30", "stop")

    def running(self):
        return self._run("pg_ctl", "-D", self.dir, "status", check=False).returncode == 0

    def create_database(self):
        """A new, empty database; returns its URL."""
        name = "faults_" + uuid.uuid4().hex[:12]
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER, name)
        return self.url(name)

    def _server_pids(self):
        """The postmaster and every process it started."""
        try:
            with open(os.path.join(self.dir, "postmaster.pid")) as f:
                postmaster = int(f.readline())
        except (OSError, ValueError):
            return []
        pids = [postmaster]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:  # the parent pid
                pids.append(int(stat.split("/")[2]))
        return pids

    def freeze(self):
        """Stops every server process (SIGSTOP): connections stay open and nothing answers,
        like a server that hangs or a network that drops packets."""
        self._frozen = self._server_pids()
        for pid in self._frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in getattr(self, "_frozen", []):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self._frozen = []

    def server_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def destroy(self):
        """Stops the server at once, whatever state it is in, and removes its files."""
        self.thaw()
        if os.path.exists(os.path.join(self.dir, "postmaster.pid")):
            self._run("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
