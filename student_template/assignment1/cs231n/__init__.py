"""The cs231n package of assignment 1 (image classification).

Modules: ``classifiers`` (k-nearest neighbours, linear classifiers with the SVM and
softmax losses, the two-layer net), ``layers`` (forward/backward building blocks),
``layer_utils`` (the affine-ReLU sandwich), ``optim`` (update rules), ``solver`` (the
training loop), ``features`` (HOG and colour-histogram features), ``gradient_check``
(numeric gradients), ``data_utils`` (CIFAR-10 loading) and ``vis_utils`` (image grids).
"""
