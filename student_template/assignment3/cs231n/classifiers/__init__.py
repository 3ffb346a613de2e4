"""Captioning models: ``rnn.CaptioningRNN`` (numpy) and
``transformer.CaptioningTransformer`` (PyTorch, imported on its own so that the
numpy model works without torch)."""
