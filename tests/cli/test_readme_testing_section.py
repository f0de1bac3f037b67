"""README "Testing your own stack": its snippets run as a user's test file would.

The snippets (between ``<!-- readme-test: ... -->`` markers, in order) become one test module in
a scratch directory next to a stack project (the quickstart's ``Pulumi.yaml`` and ``__main__.py``),
run by pytest in a subprocess with the ``bedrock_emulator`` and ``bedrock_stack`` fixtures that the
installed package registers, the Pulumi CLI on ``PATH`` (tests/cli/conftest.py) and no AWS
variables in the environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = re.compile(r"<!-- readme-test: (?P<name>[\w-]+) -->\s*```python\n(?P<code>.*?)```\s*<!-- /readme-test -->", re.S)


def snippets() -> dict[str, str]:
    return {m["name"]: m["code"] for m in SNIPPET.finditer((ROOT / "README.md").read_text())}


def test_the_readme_has_the_ten_line_test_and_the_control_api_snippet() -> None:
    found = snippets()
    assert list(found) == ["stack", "control", "runtime"]
    test_lines = found["stack"].split("def test_stack")[1].strip().splitlines()
    assert len(test_lines) <= 10
    assert "bedrock_stack(" in found["stack"] and "bedrock_stack(" in found["control"]
    assert "testing.program" not in "".join(found.values()) and "testing.engine" not in "".join(found.values())
    for call in ("seed_custom_model", "set_durations", "advance", "error_next", "requests", "count", "reset_log"):
        assert f"bedrock_emulator.{call}(" in found["control"], call


def test_the_readme_snippets_pass_as_a_users_tests(tmp_path: Path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / "examples" / "quickstart" / name, tmp_path / name)
    (tmp_path / "test_my_stack.py").write_text("\n".join(snippets().values()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_stack.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout
