"""The page's text colours keep WCAG AA contrast (4.5:1) on the backgrounds they are used on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "moderation" / "ui" / "static" / "app.css"
PAIRS = [  # (text, background) as used in app.css
    ("ink", "bg"), ("ink", "soft"), ("muted", "bg"), ("muted", "soft"), ("accent", "bg"), ("high", "bg"),
    ("high", "soft"), ("medium", "bg"), ("low", "bg"), ("low", "soft"), ("ink", "mark"),
]  # fmt: skip


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_keep_aa_contrast(text, background):
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))
    light, dark = sorted((luminance(colours[text]), luminance(colours[background])), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
