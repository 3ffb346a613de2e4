"""The cs231n package of assignment 3: image captioning.

Modules: ``rnn_layers`` (numpy RNN, LSTM, word embedding and temporal layers),
``classifiers.rnn`` (the numpy captioning RNN), ``transformer_layers`` and
``classifiers.transformer`` (the PyTorch captioning Transformer), the two
captioning solvers, ``coco_utils`` (the COCO caption features) with
``coco_standin`` (a small synthetic copy in the same file formats), and the given
support code ``layers``, ``optim``, ``gradient_check``, ``image_utils`` and
``data_utils``.
"""
