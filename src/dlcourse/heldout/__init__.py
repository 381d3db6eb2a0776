"""Held-out material for scoring only: nothing here may be used to train or to choose a model.

`clocks` draws analog clocks with code and drawing choices of its own, apart from the training renderer
(`dlcourse.data.clocks`), so a clock reader can be scored on clocks drawn differently from the ones it
learned from. `tests/test_layering.py` checks that no training code imports this package.
"""
