"""nn.Module builders from small specs, registered by name: `build("mlp", sizes=[784, 1000, 1000, 10])`."""

from dlcourse.models.activations import ACTIVATIONS, activation
from dlcourse.models.airbench import airbench
from dlcourse.models.blocks import image_classifier
from dlcourse.models.clocknet import clocknet
from dlcourse.models.cnn import cnn
from dlcourse.models.geron import geron_cnn, geron_mlp
from dlcourse.models.init import INITS, initialize
from dlcourse.models.mlp import mlp
from dlcourse.models.multitask import MultiHead, multitask
from dlcourse.models.params import count_parameters, parameter_counts
from dlcourse.models.registry import MODELS, build
from dlcourse.models.resnet import resnet

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MODELS",
    "MultiHead",
    "activation",
    "airbench",
    "build",
    "clocknet",
    "cnn",
    "count_parameters",
    "geron_cnn",
    "geron_mlp",
    "image_classifier",
    "initialize",
    "mlp",
    "multitask",
    "parameter_counts",
    "resnet",
]
