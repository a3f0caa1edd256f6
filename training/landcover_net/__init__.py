"""Training of the bundled land-cover network (never shipped with the plugin).

``make train-landcover`` runs :mod:`training.landcover_net.__main__`: prepare data
→ train → export ONNX + model card → evaluate on the held-out split.
"""
