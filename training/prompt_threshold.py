"""How the sentence encoder's match threshold trades paraphrases found against non-land-cover words let through.

    make eval-prompts

Prints, per candidate threshold, the catalogue paraphrases named right, named wrong and missed, and the words that
must not name a concept but did (training/prompt_threshold.json), then each phrase's best concept and score.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), ".qgis", "plugins"))  # the 'terraprompt' link plugin_env.sh makes

from terraprompt.plugin.core import prompts  # noqa: E402


def main() -> None:
    """Score the phrase lists against the catalogue and print the threshold table."""
    with open(os.path.join(HERE, "prompt_threshold.json"), encoding="utf-8") as f:
        data = json.load(f)
    para, noise = data["paraphrases"], data["not_land_cover"]
    sims = prompts.concept_similarities(list(para) + noise)
    if sims is None:
        print(f"eval-prompts: skipped, the sentence encoder is not available ({prompts.encoder_status()})")
        return
    cids = prompts.load_encoder()["concepts"]
    best = [(cids[int(np.argmax(r))], float(r.max())) for r in sims]
    good, bad = best[:len(para)], best[len(para):]
    print(f"{len(para)} paraphrases, {len(noise)} non-land-cover words; current MATCH_THRESHOLD {prompts.MATCH_THRESHOLD}")
    print("threshold  right  wrong  missed  noise_kept")
    for th in (0.45, 0.5, 0.55, 0.6, 0.65):
        right = sum(s >= th and c == want for (c, s), want in zip(good, para.values()))
        wrong = sum(s >= th and c != want for (c, s), want in zip(good, para.values()))
        kept = sum(s >= th for _, s in bad)
        print(f"{th:9.2f}  {right:5d}  {wrong:5d}  {len(para) - right - wrong:6d}  {kept:10d}")
    rows = [("para", p, c, s, c == want) for p, (c, s), want in zip(para, good, para.values())]
    rows += [("noise", p, c, s, None) for p, (c, s) in zip(noise, bad)]
    for kind, phrase, c, s, ok in sorted(rows, key=lambda r: -r[3]):
        mark = "" if ok is None else ("ok" if ok else f"wrong (meant {para[phrase]})")
        print(f"  {s:.3f}  {kind:5}  {phrase:26} -> {c:13} {mark}")


if __name__ == "__main__":
    main()
