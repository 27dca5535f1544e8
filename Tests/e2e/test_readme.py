"""The README's curl examples work as written, against a fresh server."""
import re
import subprocess

from conftest import ROOT, Server


def test_readme_curl_examples_run_as_written(workdir):
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- curl-examples:start -->\s*```bash\n(.*?)```\s*<!-- curl-examples:end -->", readme, re.S)
    assert match, "README has no curl example block"
    script = match.group(1)
    # The README's server runs from the checkout with DATA_DIR=./data and no INITIAL_PASSWORD.
    srv = Server(workdir / "data", env={"INITIAL_PASSWORD": ""}).start()
    try:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir,
                                env={"PATH": "/usr/bin:/bin", "BASE": srv.base}, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert '"api_key_hint"' in result.stdout
        assert '"key":"nr-' in result.stdout
        assert '"by_provider"' in result.stdout and '"next_cursor"' in result.stdout
        assert '"budget_usd":50' in result.stdout and "# TYPE ninerouter_requests_total counter" in result.stdout
    finally:
        srv.stop()
