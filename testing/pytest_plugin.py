"""pytest plugin: a session-wide local Bedrock emulator (fixtures are added by the emulator work)."""
