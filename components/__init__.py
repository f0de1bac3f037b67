"""Component resources bundling Bedrock inference resources with tags and IAM access."""
