"""The production compose file, its nginx configuration and its .env example agree: what
can be checked of deploy/ without a Docker engine."""

import os
import re
import sys
import unittest

try:
    import yaml
except ImportError:
    # The interpreter CMake found may not see Debian's python3-yaml (scripts/setup installs it
    # for the system's python3): run again under that one.
    system_python = "/usr/bin/python3"
    if os.path.exists(system_python) and os.path.realpath(sys.executable) != os.path.realpath(
        system_python
    ):
        os.execv(system_python, [system_python, "-m", "unittest", "-v", "test_compose"])
    raise

DEPLOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy")
REPLICAS = ["agentd-1", "agentd-2"]
DATABASE_URL = re.compile(
    r"^postgres://agentd:\$\{POSTGRES_PASSWORD(:\?[^}]*)?\}@postgres:5432/agentd$"
)


def read(name):
    with open(os.path.join(DEPLOY, name), encoding="utf-8") as file:
        return file.read()


def depends_on(service):
    """depends_on as {name: condition}; the short list form means service_started."""
    value = service.get("depends_on", {})
    if isinstance(value, list):
        return {name: "service_started" for name in value}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in value.items()}


def example_variables():
    """NAME -> value of every assignment in .env.example."""
    variables = {}
    for line in read(".env.example").splitlines():
        match = re.match(r"^([A-Z_][A-Z0-9_]*)=(.*)$", line)
        if match:
            variables[match.group(1)] = match.group(2)
    return variables


class ComposeFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = read("compose.yaml")
        cls.services = yaml.safe_load(cls.text)["services"]

    def environment(self, name):
        value = self.services[name].get("environment", {})
        if isinstance(value, list):
            return dict(item.split("=", 1) for item in value)
        return value

    def test_two_replicas_are_built_from_the_dockerfile_into_one_image(self):
        built = {
            name
            for name, service in self.services.items()
            if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
            and "migrate" not in service.get("command", [])
        }
        self.assertEqual(built, set(REPLICAS))
        for name in REPLICAS:
            self.assertEqual(self.services[name]["build"]["context"], "..", name)
        images = {self.services[name].get("image") for name in REPLICAS + ["migrate"]}
        self.assertEqual(len(images), 1, f"replicas and migrate run different images: {images}")
        self.assertIsNotNone(images.pop())

    def test_replicas_share_postgres_and_redis_and_never_migrate(self):
        for name in REPLICAS:
            env = self.environment(name)
            self.assertRegex(env.get("AGENTD_DATABASE_URL", ""), DATABASE_URL, name)
            self.assertEqual(env.get("AGENTD_REDIS_URL"), "redis://redis:6379", name)
            self.assertEqual(str(env.get("AGENTD_MIGRATE_ON_START")).lower(), "false", name)
            self.assertEqual(env.get("AGENTD_ADDR"), "0.0.0.0:8080", name)

    def test_each_replica_has_its_own_id(self):
        ids = [self.environment(name).get("AGENTD_REPLICA_ID") for name in REPLICAS]
        self.assertEqual(ids, REPLICAS)

    def test_replicas_share_a_required_jwt_secret(self):
        secrets = {self.environment(name).get("AGENTD_JWT_SECRET") for name in REPLICAS}
        self.assertEqual(len(secrets), 1, secrets)
        # Required: compose refuses to start without it rather than each replica making its own.
        self.assertRegex(secrets.pop() or "", r"^\$\{AGENTD_JWT_SECRET:\?[^}]*\}$")

    def test_replicas_start_after_the_migration_and_healthy_stores(self):
        for name in REPLICAS:
            self.assertEqual(
                depends_on(self.services[name]),
                {
                    "migrate": "service_completed_successfully",
                    "postgres": "service_healthy",
                    "redis": "service_healthy",
                },
                name,
            )

    def test_migrate_is_a_one_shot_on_the_same_database(self):
        migrate = self.services["migrate"]
        self.assertEqual(migrate.get("command"), ["migrate"])
        self.assertEqual(migrate["build"]["dockerfile"], "deploy/Dockerfile")
        self.assertRegex(self.environment("migrate").get("AGENTD_DATABASE_URL", ""), DATABASE_URL)
        self.assertEqual(depends_on(migrate).get("postgres"), "service_healthy")
        # Restarted, a finished migration would run again and again.
        self.assertIn(migrate.get("restart", "no"), ("no", False))

    def test_only_nginx_publishes_a_port_and_only_on_loopback(self):
        publishing = {name for name, service in self.services.items() if service.get("ports")}
        self.assertEqual(publishing, {"nginx"})
        for port in self.services["nginx"]["ports"]:
            self.assertTrue(str(port).startswith("127.0.0.1:"), port)

    def test_postgres_and_redis_publish_nothing(self):
        for name in ("postgres", "redis"):
            self.assertNotIn("ports", self.services[name], name)

    def test_postgres_and_redis_have_healthchecks(self):
        for name in ("postgres", "redis"):
            check = self.services[name].get("healthcheck", {})
            test = check.get("test", [])
            self.assertTrue(test, f"{name} has no healthcheck")
            self.assertNotEqual(test[0] if isinstance(test, list) else test, "NONE", name)
            self.assertFalse(check.get("disable", False), name)

    def test_images_of_the_stores(self):
        self.assertEqual(self.services["postgres"]["image"], "postgres:16")
        self.assertEqual(self.services["redis"]["image"], "redis:7")

    def test_nginx_waits_for_healthy_replicas_and_is_the_trusted_proxy(self):
        nginx = self.services["nginx"]
        self.assertEqual(depends_on(nginx), {name: "service_healthy" for name in REPLICAS})
        self.assertIn("./nginx.conf:/etc/nginx/nginx.conf:ro", nginx.get("volumes", []))
        address = nginx["networks"]["backend"]["ipv4_address"]
        for name in REPLICAS:
            self.assertEqual(self.environment(name).get("AGENTD_TRUSTED_PROXIES"), address, name)

    def test_every_variable_used_is_documented_in_the_env_example(self):
        used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", self.text))
        self.assertTrue(used)
        missing = used - set(example_variables())
        self.assertFalse(missing, f"not in deploy/.env.example: {sorted(missing)}")

    def test_the_env_example_holds_no_secret(self):
        for name, value in example_variables().items():
            if re.search(r"KEY|SECRET|PASSWORD|TOKEN", name):
                self.assertEqual(value, "", f"{name} has a value in deploy/.env.example")


class NginxConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Comments out: a commented-out directive must not count.
        cls.text = re.sub(r"#[^\n]*", "", read("nginx.conf"))

    def directive(self, name):
        return re.findall(rf"(?m)^\s*{re.escape(name)}\s+([^;]*);", self.text)

    def test_upstream_lists_both_replicas(self):
        upstream = re.search(r"upstream\s+agentd\s*\{([^}]*)\}", self.text)
        self.assertIsNotNone(upstream, "no upstream agentd block")
        servers = [line.split()[0] for line in re.findall(r"server\s+([^;]+);", upstream.group(1))]
        self.assertEqual(servers, [f"{name}:8080" for name in REPLICAS])
        # Round robin: no method directive that pins clients to a replica.
        for method in ("ip_hash", "hash", "sticky", "least_conn"):
            self.assertNotRegex(upstream.group(1), rf"(?m)^\s*{method}\b")

    def test_requests_go_to_the_upstream(self):
        self.assertEqual(self.directive("proxy_pass"), ["http://agentd"])

    def test_streams_are_not_buffered_and_may_stay_quiet(self):
        self.assertEqual(self.directive("proxy_buffering"), ["off"])
        (timeout,) = self.directive("proxy_read_timeout")
        seconds = {"s": 1, "m": 60, "h": 3600}
        match = re.fullmatch(r"(\d+)([smh]?)", timeout)
        self.assertIsNotNone(match, timeout)
        self.assertGreaterEqual(int(match.group(1)) * seconds[match.group(2) or "s"], 600)

    def test_last_event_id_is_passed_on(self):
        headers = [value.split(None, 1) for value in self.directive("proxy_set_header")]
        self.assertIn(["Last-Event-ID", "$http_last_event_id"], headers)

    def test_the_client_address_is_forwarded(self):
        headers = [value.split(None, 1) for value in self.directive("proxy_set_header")]
        self.assertIn(["X-Forwarded-For", "$proxy_add_x_forwarded_for"], headers)


if __name__ == "__main__":
    unittest.main()
