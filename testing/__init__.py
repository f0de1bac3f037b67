"""Local test tooling: a Bedrock control-plane emulator and a Pulumi engine harness."""
