"""A NineRouter process for the bench: started from the release build, logged in, given
providers and one app key."""
import json
import signal
import subprocess
import urllib.request

from harness import BINARY, ROOT, free_port, plain_env, wait_for


class Router:
    def __init__(self, work, name, extra_env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = plain_env()
        env.update({"ROUTER_PORT": str(self.port), "HOST": "127.0.0.1", "DATA_DIR": f"{work}/{name}",
                    "INITIAL_PASSWORD": "bench-password", "LOG_LEVEL": "warning", "WEB_DIR": str(ROOT / "web"),
                    **(extra_env or {})})
        self.env = env
        self.process = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(f"{work}/{name}.log", "w"))
        self.token = None
        self.key = None

    @property
    def pid(self):
        return self.process.pid

    def ready(self):
        wait_for(self.base + "/health")
        self.token = self.admin("POST", "/api/admin/login", {"password": "bench-password"})["token"]
        return self

    def admin(self, method, path, payload=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        return json.loads(urllib.request.urlopen(request, timeout=30).read() or b"{}")

    def provider(self, name, base_url, models, kind=None, key="sk-bench"):
        body = {"name": name, "base_url": base_url, "api_key": key, "models": models}
        if kind:
            body["type"] = kind
        self.admin("POST", "/api/admin/providers", body)

    def app_key(self):
        self.key = self.admin("POST", "/api/admin/keys", {"name": "bench"})["key"]
        return {"Authorization": f"Bearer {self.key}"}

    def observability(self, on):
        self.admin("PATCH", "/api/admin/settings", {"observability_enabled": on})

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        self.process.send_signal(signal.SIGCONT)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
