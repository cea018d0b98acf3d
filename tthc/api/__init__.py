"""The HTTP application: routers per resource, their dependencies and schemas."""
