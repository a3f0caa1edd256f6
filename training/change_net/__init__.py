"""Siamese change network (FC-Siam-diff style) trained on OSCD + synthetic pastes + DSIFN; exported to models/change_net.onnx."""
