"""Classifiers built from the layers in ``cs231n.layers``."""

from .fc_net import FullyConnectedNet

__all__ = ["FullyConnectedNet"]
