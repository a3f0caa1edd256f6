"""Training and evaluation code (never shipped in the plugin zip)."""
