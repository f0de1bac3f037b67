"""Program of the repository's own stack (Pulumi.yaml): runs the quickstart example.

It lives at the project root so that the program and the dynamic-provider process resolve
``virtualenv: .venv`` against the same directory; see the comment in Pulumi.yaml.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent / "examples" / "quickstart" / "__main__.py"), run_name="__main__")
