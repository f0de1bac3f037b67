"""Routing, moto style: Bedrock requests by host (AWS endpoints) or by any path on the emulator.

Operations are resolved from botocore's ``http.method``/``http.requestUri`` traits by moto's
router (see :func:`.responses.resolve_operation`); paths under :data:`CONTROL_PREFIX` are the
emulator's own control endpoints, which no Bedrock route can collide with (Bedrock paths
never start with an underscore).
"""

from .responses import BedrockEmulatorResponse

CONTROL_PREFIX = "/_emulator"

url_bases = [
    r"https?://bedrock\.(.+)\.amazonaws\.com",
]

url_paths = {
    "{0}/.*$": BedrockEmulatorResponse.dispatch,
}
