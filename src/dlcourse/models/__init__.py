"""nn.Module builders from small specs, registered by name: `build("mlp", sizes=[784, 1000, 1000, 10])`."""

from dlcourse.models.activations import ACTIVATIONS, activation
from dlcourse.models.clocknet import clocknet
from dlcourse.models.cnn import cnn
from dlcourse.models.mlp import mlp
from dlcourse.models.multitask import MultiHead, multitask
from dlcourse.models.params import count_parameters, parameter_counts
from dlcourse.models.registry import MODELS, build

__all__ = [
    "ACTIVATIONS",
    "MODELS",
    "MultiHead",
    "activation",
    "build",
    "clocknet",
    "cnn",
    "count_parameters",
    "mlp",
    "multitask",
    "parameter_counts",
]
