"""Dock, map tools, tasks and layer styling: thin adapters over plugin.core."""
