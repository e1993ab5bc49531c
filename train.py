"""The data team's entry point: `python train.py [--dataset PATH ...] [--no-seed] [--promote]`.

Same as `moderation train`; see `python train.py --help`.
"""

import sys

from moderation.cli import app

if __name__ == "__main__":
    sys.exit(app(["train", *sys.argv[1:]]))
