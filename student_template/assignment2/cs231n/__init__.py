"""The cs231n package of the Batch Normalization assignment.

Modules: ``layers`` (forward/backward building blocks), ``layer_utils`` (common layer
sandwiches), ``classifiers.fc_net`` (the fully connected network), ``optim`` (update
rules), ``solver`` (the training loop), ``gradient_check`` (numeric gradients),
``data_utils`` (CIFAR-10 loading), and the given support code ``fast_layers``
(vectorized convolution and pooling) and ``im2col`` (window rearrangement).
"""
