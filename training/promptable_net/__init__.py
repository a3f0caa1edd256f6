"""Training of the bundled promptable segmentation network (never shipped with the plugin)."""
