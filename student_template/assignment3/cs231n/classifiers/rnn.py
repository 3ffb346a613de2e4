"""An image captioning model built from the numpy layers of ``cs231n.rnn_layers``."""

import numpy as np

from ..rnn_layers import *


class CaptioningRNN:
    """Generate captions from image features with a recurrent network.

    Captions are sequences of word indices of a vocabulary of V words; the
    recurrent network (a vanilla RNN or an LSTM) has hidden size H, reads word
    vectors of size W and is started from a state computed from the image
    features of size D. Minibatches hold N captions of length T.

    The model has no regularization. Its parameters live in ``self.params``:
    ``W_embed`` (V, W), ``W_proj`` (D, H), ``b_proj`` (H,), ``Wx`` (W, H), ``Wh``
    (H, H), ``b`` (H,) (four times as wide for an LSTM), ``W_vocab`` (H, V) and
    ``b_vocab`` (V,).
    """

    def __init__(self, word_to_idx, input_dim=512, wordvec_dim=128, hidden_dim=128,
                 cell_type="rnn", dtype=np.float32):
        """Build the model and draw its initial parameters.

        Inputs:
        - word_to_idx: dict from each of the V words to an index in [0, V);
          it must contain '<NULL>', and normally '<START>' and '<END>'
        - input_dim: size D of the image features
        - wordvec_dim: size W of the word vectors
        - hidden_dim: size H of the hidden state
        - cell_type: 'rnn' or 'lstm'
        - dtype: numpy dtype of the parameters (float64 for gradient checks)

        Raises ValueError for another cell_type.
        """
        if cell_type not in {"rnn", "lstm"}:
            raise ValueError(f'Invalid cell_type "{cell_type}"')

        self.cell_type = cell_type
        self.dtype = dtype
        self.word_to_idx = word_to_idx
        self.idx_to_word = {i: w for w, i in word_to_idx.items()}
        self.params = {}

        vocab_size = len(word_to_idx)

        self._null = word_to_idx["<NULL>"]
        self._start = word_to_idx.get("<START>", None)
        self._end = word_to_idx.get("<END>", None)

        # Word vectors.
        self.params["W_embed"] = np.random.randn(vocab_size, wordvec_dim)
        self.params["W_embed"] /= 100

        # From image features to the initial hidden state.
        self.params["W_proj"] = np.random.randn(input_dim, hidden_dim)
        self.params["W_proj"] /= np.sqrt(input_dim)
        self.params["b_proj"] = np.zeros(hidden_dim)

        # The recurrent cell: an LSTM has four blocks of H columns.
        width = {"rnn": 1, "lstm": 4}[cell_type] * hidden_dim
        self.params["Wx"] = np.random.randn(wordvec_dim, width)
        self.params["Wx"] /= np.sqrt(wordvec_dim)
        self.params["Wh"] = np.random.randn(hidden_dim, width)
        self.params["Wh"] /= np.sqrt(hidden_dim)
        self.params["b"] = np.zeros(width)

        # From hidden states to vocabulary scores.
        self.params["W_vocab"] = np.random.randn(hidden_dim, vocab_size)
        self.params["W_vocab"] /= np.sqrt(hidden_dim)
        self.params["b_vocab"] = np.zeros(vocab_size)

        for name, value in self.params.items():
            self.params[name] = value.astype(self.dtype)

    def loss(self, features, captions):
        """Training loss and gradients of the model for one minibatch.

        The network reads every word of a caption but the last and is trained
        to predict every word but the first (teacher forcing); positions whose
        target is <NULL> do not count.

        Inputs:
        - features: image features, shape (N, D)
        - captions: ground-truth captions, integers of shape (N, T + 1), each
          in [0, V)

        Returns a tuple of:
        - loss: a scalar
        - grads: dict with the same keys as self.params, each gradient of the
          shape of its parameter
        """
        # Inputs are all words but the last, targets all words but the first.
        captions_in = captions[:, :-1]
        captions_out = captions[:, 1:]

        # Padding does not count in the loss.
        mask = captions_out != self._null

        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        loss, grads = 0.0, {}
        #######################################################################
        # TODO: The forward pass, then the backward pass:                     #
        # (1) the initial hidden state is the affine map of the features,     #
        #     h0 = features W_proj + b_proj (no nonlinearity), shape (N, H);  #
        # (2) embed captions_in into word vectors, shape (N, T, W);           #
        # (3) run the RNN or LSTM (self.cell_type) from h0 over them,         #
        #     shape (N, T, H);                                                #
        # (4) map every hidden state to vocabulary scores with the temporal   #
        #     affine layer, shape (N, T, V);                                  #
        # (5) compute the temporal softmax loss against captions_out, with    #
        #     the mask.                                                       #
        # Then back-propagate through (5) to (1) and store each parameter's   #
        # gradient in grads under the parameter's name.                       #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads

    def sample(self, features, max_length=30):
        """Greedy captions for a minibatch of image features.

        Every caption starts from the <START> word; at each step the model
        embeds the previous word, takes one recurrent step, and picks the word
        of highest score. Generation goes on for max_length words even after
        <END>.

        Inputs:
        - features: image features, shape (N, D)
        - max_length: number of words to generate

        Returns:
        - captions: integer word indices, shape (N, max_length); column 0 holds
          the first generated word (not <START>)
        """
        N = features.shape[0]
        captions = self._null * np.ones((N, max_length), dtype=np.int32)

        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        #######################################################################
        # TODO: Generate the captions one word at a time, for the whole       #
        # minibatch at once:                                                  #
        # (1) the initial hidden state is features W_proj + b_proj, and for   #
        #     an LSTM the initial cell state is zero;                         #
        # (2) the first input word is <START> (self._start) for every row;    #
        # (3) at each step, embed the previous word, take one                 #
        #     rnn_step_forward or lstm_step_forward, compute the vocabulary   #
        #     scores with W_vocab and b_vocab, and write the best-scoring     #
        #     word into captions[:, t]; it is the next step's input word.     #
        # Work step by step: do not call rnn_forward or lstm_forward.         #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
        return captions
