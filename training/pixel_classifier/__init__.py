"""Training of the land-cover pixel classifier (models/landcover_mlp.onnx): ``make train-pixel-classifier``."""
