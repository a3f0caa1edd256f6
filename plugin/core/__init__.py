"""TerraPrompt core: plain Python + numpy/rasterio/onnxruntime, no qgis, no Qt."""
