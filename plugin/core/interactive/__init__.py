"""Interactive prompting: encode a window once, decode points/boxes into masks per click (Qt-free)."""
