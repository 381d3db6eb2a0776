"""L∞ adversarial attacks on image classifiers (FGSM, PGD, MIM), robust accuracy and adversarial training.

Attacks are registered by name: `ATTACKS.get("pgd")(eps=0.0313, steps=20, step_size=0.002)`.
"""

from dlcourse.attacks.adversarial import adversarial_batches
from dlcourse.attacks.base import ATTACKS, Attack
from dlcourse.attacks.callbacks import RobustAccuracy
from dlcourse.attacks.evaluate import robust_accuracy
from dlcourse.attacks.fgsm import FGSM
from dlcourse.attacks.mim import MIM
from dlcourse.attacks.pgd import PGD

__all__ = ["ATTACKS", "FGSM", "MIM", "PGD", "Attack", "RobustAccuracy", "adversarial_batches", "robust_accuracy"]
