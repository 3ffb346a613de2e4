"""Classifiers of assignment 1.

The two-layer net is imported from ``cs231n.classifiers.fc_net`` directly.
"""

from .k_nearest_neighbor import KNearestNeighbor
from .linear_classifier import LinearClassifier, LinearSVM, Softmax

__all__ = ["KNearestNeighbor", "LinearClassifier", "LinearSVM", "Softmax"]
