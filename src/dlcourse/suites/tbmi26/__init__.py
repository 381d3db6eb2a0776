"""TBMI26 deep-learning lab report on CIFAR-10 (brief 004): fully connected, CNN, dropout, batch norm, ResNet."""

from dlcourse.suites.registry import describe_suite

describe_suite("tbmi26", "TBMI26 Deep Learning: CIFAR-10 from fully connected networks to ResNets")

# Tasks are listed and reported in the brief's order (q1 ... q10), whatever the import order.
from dlcourse.suites.tbmi26 import batchnorm, cnn, dense, dropout, resnet, shape  # noqa: E402, F401
