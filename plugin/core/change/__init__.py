"""Change detection between two rasters of a place: alignment, methods, semantic change, outputs."""
