"""Derived label sets."""

from __future__ import annotations

import numpy as np

# bath-a2 Task 6's second task, exactly as the brief's load_data maps Fashion-MNIST items to groups:
# 0 = shoes {Sandal 5, Sneaker 7, Ankle boot 9}, 1 = the brief's "gendered" {Dress 3, Shirt 6, Bag 8},
# 2 = uni-sex {T-shirt/top 0, Trouser 1, Pullover 2, Coat 4}.
FASHION_GROUPS = ("shoes", "gendered", "uni-sex")
_ITEM_TO_GROUP = np.array([2, 2, 2, 1, 2, 0, 1, 0, 1, 0], dtype=np.int64)


def fashion_group(items: np.ndarray) -> np.ndarray:
    """Fashion-MNIST item labels (0-9) to the brief's three clothing groups (0-2)."""
    return _ITEM_TO_GROUP[np.asarray(items, dtype=np.int64)]
