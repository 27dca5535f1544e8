"""LiteLLM's proxy as the peer row: `litellm[proxy]` from PyPI in a venv the bench makes (kept
under .build/ for the next run), no database, one model on the same fake upstream."""
import subprocess
import sys
from pathlib import Path

from harness import ROOT, free_port, plain_env, wait_for

VENV = ROOT / ".build" / "bench-litellm"


def ensure_venv():
    """The venv's litellm executable, installing it on first use; None with the reason if that fails."""
    executable = VENV / "bin" / "litellm"
    if executable.exists():
        return executable, None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "litellm[proxy]"], check=True,
                       capture_output=True, text=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return None, "could not install litellm[proxy]: " + detail.strip().splitlines()[-1][:200]
    return executable, None


class LiteLLMProxy:
    # It refuses to start without one; clients send it as NineRouter's send their app key.
    MASTER_KEY = "sk-bench-" + "5" * 48
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}

    def __init__(self, work, upstream_port):
        self.executable, self.error = ensure_venv()
        self.process = None
        if not self.executable:
            return
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = Path(work) / "litellm.yaml"
        config.write_text(f"""model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: http://127.0.0.1:{upstream_port}/v1
      api_key: sk-bench
litellm_settings:
  telemetry: false
""")
        env = plain_env()
        # No network here: the bundled price map, no telemetry, errors only in its log.
        env.update({"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_TELEMETRY": "False", "LITELLM_LOG": "ERROR",
                    "LITELLM_MASTER_KEY": self.MASTER_KEY})
        self.process = subprocess.Popen([str(self.executable), "--config", str(config), "--host", "127.0.0.1",
                                         "--port", str(self.port), "--num_workers", "1"],
                                        env=env, stdout=subprocess.DEVNULL, stderr=open(Path(work) / "litellm.log", "w"))
        try:
            wait_for(self.base + "/health/liveliness", tries=1200)
        except RuntimeError:
            self.error = "litellm's proxy did not start (see litellm.log)"
            self.stop()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
