"""Plugin unload releases the sentence encoder (prompts.release_encoder): a preload thread that has not yet run its load
must not fill the cache again after the release, or the unloaded plugin keeps the encoder (+50-120 MB a reload)."""
from __future__ import annotations

from terraprompt.plugin.core import prompts as P


class _UnstartedThread:
    """A threading.Thread stand-in that runs its target only when told, to order the preload after the release."""

    def __init__(self, target, args=(), **_kwargs) -> None:
        self.target, self.args = target, args

    def start(self) -> None:
        """Start nothing: the test runs the target later."""

    def run(self) -> None:
        """Run the preload's load now."""
        self.target(*self.args)


def test_a_preload_started_before_the_release_stores_nothing_after_it(monkeypatch):
    monkeypatch.setattr(P, "_ENCODER", {})
    monkeypatch.setattr(P, "encoder_model_path", lambda: None)  # a quick load: no encoder installed
    monkeypatch.setattr(P.threading, "Thread", _UnstartedThread)
    preload = P.preload_encoder()
    P.release_encoder()  # plugin unload while the preload thread waits for its turn
    preload.run()
    assert not P.encoder_ready()
    assert P._ENCODER == {}


def test_a_load_after_the_release_still_loads(monkeypatch):
    """The release forgets the encoder; a later prompt (or a preload started after it) loads it again."""
    monkeypatch.setattr(P, "_ENCODER", {})
    monkeypatch.setattr(P, "encoder_model_path", lambda: None)
    monkeypatch.setattr(P.threading, "Thread", _UnstartedThread)
    P.release_encoder()
    P.preload_encoder().run()
    assert P.encoder_ready()
