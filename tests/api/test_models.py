"""A running service picks up a newly promoted model without a restart."""

from __future__ import annotations

import shutil

from moderation.api.models import LiveModel
from moderation.registry import Registry


def test_a_promoted_version_serves_the_next_request(tmp_path, models_dir):
    shutil.copytree(models_dir, tmp_path / "models")
    registry = Registry(tmp_path / "models")
    first = registry.current()
    shutil.copytree(tmp_path / "models" / first, tmp_path / "models" / "challenger-1")
    live = LiveModel(tmp_path / "models", check_every_s=0)
    before = live.scorer()
    assert before.version == first
    registry.set_current("challenger-1")
    after = live.scorer()
    assert after.version == "challenger-1" and after is not before
    assert live.scorer() is after, "loaded once, not on every request"
