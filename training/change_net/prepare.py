"""Copy the training scenes into training/data/change_net/ as standardised float16 arrays (one .npz per scene)."""
from __future__ import annotations

import numpy as np

from .common import DATA, DSIFN_HELD_OUT, HELD_OUT, SLOTS, dsifn_tiles, oscd_cities, read_dsifn, read_oscd, standardise


def main() -> list[str]:
    """Write one npz per training scene (OSCD training cities, DSIFN training tiles); returns their names."""
    DATA.mkdir(parents=True, exist_ok=True)
    names = []
    full = np.ones(len(SLOTS), np.float32)
    rgb = np.array([1, 1, 1] + [0] * (len(SLOTS) - 3), np.float32)
    for city in oscd_cities():
        if city in HELD_OUT:
            continue
        b, a, y = read_oscd(city)
        sb, sa = standardise(b, a, full)
        np.savez(DATA / f"oscd_{city}.npz", before=sb.astype(np.float16), after=sa.astype(np.float16), label=y, rgb_only=False)
        names.append(f"oscd_{city}")
    for tile in dsifn_tiles():
        if tile in DSIFN_HELD_OUT:
            continue
        b, a, y = read_dsifn(tile)
        sb, sa = standardise(b, a, rgb)
        np.savez(DATA / f"dsifn_{tile}.npz", before=sb.astype(np.float16), after=sa.astype(np.float16), label=y, rgb_only=True)
        names.append(f"dsifn_{tile}")
    print(f"prepared {len(names)} scenes in {DATA}: {', '.join(names)}")
    return names


if __name__ == "__main__":
    main()
