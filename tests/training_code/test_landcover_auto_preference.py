"""ENGINE=auto's per-subset preference written into the land-cover card (training/landcover_net/evaluate.py)."""
from __future__ import annotations

from training.landcover_net.evaluate import AUTO_MARGIN, auto_preference


def _tables(network: dict, spectral: dict) -> tuple[dict, dict]:
    return ({"water_sen1floods11_hand": network, "water_hls_given_masks": network},
            {"water_sen1floods11_hand": spectral, "water_hls_given_masks": spectral})


def test_network_needs_the_margin_and_adding_sar_keeps_the_optical_choice_on_a_tie():
    tie = AUTO_MARGIN / 2
    net, spec = _tables({"full_optical": 0.87, "optical_sar": 0.87, "rgb": 0.60, "rgb_sar": 0.70, "sar": 0.70},
                        {"full_optical": 0.80, "optical_sar": 0.87 - tie, "rgb": 0.60 - tie, "rgb_sar": 0.70 - tie, "sar": 0.70 - tie})
    pref = {k: v["prefer"] for k, v in auto_preference(net, spec).items()}
    # clear lead: network; ties without an optical base: the transparent rules; ties with SAR added: the base's engine
    assert pref == {"full_optical": "network", "optical_sar": "network", "rgb": "spectral", "rgb_sar": "spectral",
                    "sar": "spectral"}
    # a clear lead of either engine decides whatever the base chose
    net, spec = _tables({"full_optical": 0.87, "optical_sar": 0.80}, {"full_optical": 0.80, "optical_sar": 0.86})
    assert auto_preference(net, spec)["optical_sar"]["prefer"] == "spectral"
