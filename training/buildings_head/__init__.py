"""Training of the very-high-resolution building head (models/buildings_head.onnx): ``make train-buildings-head``."""
