"""Synthetic feeds with ground truth: the only data this project ever holds.

`world` makes children, families and their moves; `noise` corrupts values the way the real
exports do; `feeds` renders and writes the four files exactly as FEEDS.md describes.
"""

from linkage.synth.feeds import generate_feeds
from linkage.synth.settings import NoiseSettings

__all__ = ["generate_feeds", "NoiseSettings"]
