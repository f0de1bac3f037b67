"""`make up`'s program (examples/up.py) with the real CLI: the repository's stack goes through
preview, up, a preview expecting no changes, refresh and destroy on the emulator, with the
user's AWS settings hidden (a profile that does not exist would make every AWS call fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_SETTINGS = {"AWS_ACCESS_KEY_ID": "AKIAREALKEY", "AWS_SECRET_ACCESS_KEY": "real-secret",
                 "AWS_PROFILE": "prod-admin", "AWS_SESSION_TOKEN": "real-token", "AWS_CONFIG_FILE": "/nonexistent"}


def test_make_up_deploys_the_repository_stack_to_the_emulator_with_aws_settings_hidden() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | REAL_SETTINGS
    env.pop("TARGET", None)
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "up.py")], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    steps = [line.split(" (")[0] for line in out.splitlines() if line.startswith("== ") and "done in" not in line]
    assert steps == ["== pulumi preview", "== pulumi up --yes", "== pulumi preview --expect-no-changes",
                     "== pulumi refresh --yes", "== pulumi destroy --yes"]
    assert "Local Bedrock emulator at http://127.0.0.1:" in out
    assert "+ 2 created" in out and "- 2 deleted" in out
    assert 'profile_arn : "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/' in out
    assert out.rstrip().endswith("Application inference profiles left in the emulator: 0")
