from builtins import range
from builtins import object
import numpy as np

from ..rnn_layers import *


class CaptioningRNN(object):
    """A recurrent network that writes captions from image features.

    The network reads feature vectors of size D, works with a vocabulary of V words
    and sequences of length T, has word vectors of size W and a hidden state of
    size H, and processes minibatches of N examples.

    It uses no regularisation.
    """

    def __init__(
        self,
        word_to_idx,
        input_dim=512,
        wordvec_dim=128,
        hidden_dim=128,
        cell_type="rnn",
        dtype=np.float32,
    ):
        """Build a CaptioningRNN.

        Inputs:
        - word_to_idx: dict from each of the V words to an integer in [0, V)
        - input_dim: size D of the image features
        - wordvec_dim: size W of the word vectors
        - hidden_dim: size H of the hidden state
        - cell_type: 'rnn' or 'lstm'
        - dtype: numpy dtype of the parameters (float64 for gradient checks)
        """
        if cell_type not in {"rnn", "lstm"}:
            raise ValueError('Invalid cell_type "%s"' % cell_type)

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

        # Projection from the image features to the first hidden state.
        self.params["W_proj"] = np.random.randn(input_dim, hidden_dim)
        self.params["W_proj"] /= np.sqrt(input_dim)
        self.params["b_proj"] = np.zeros(hidden_dim)

        # Recurrent weights; an LSTM needs four blocks of them.
        dim_mul = {"lstm": 4, "rnn": 1}[cell_type]
        self.params["Wx"] = np.random.randn(wordvec_dim, dim_mul * hidden_dim)
        self.params["Wx"] /= np.sqrt(wordvec_dim)
        self.params["Wh"] = np.random.randn(hidden_dim, dim_mul * hidden_dim)
        self.params["Wh"] /= np.sqrt(hidden_dim)
        self.params["b"] = np.zeros(dim_mul * hidden_dim)

        # From hidden states to scores over the vocabulary.
        self.params["W_vocab"] = np.random.randn(hidden_dim, vocab_size)
        self.params["W_vocab"] /= np.sqrt(hidden_dim)
        self.params["b_vocab"] = np.zeros(vocab_size)

        for k, v in self.params.items():
            self.params[k] = v.astype(self.dtype)

    def loss(self, features, captions):
        """Training-time loss and gradients.

        The captions are fed in shifted by one: the network reads words 0 .. T-1 and
        must predict words 1 .. T. Positions holding <NULL> are ignored.

        Inputs:
        - features: image features, shape (N, D)
        - captions: ground-truth captions, integer array of shape (N, T + 1), each
          entry in [0, V)

        Returns a tuple of:
        - loss: scalar loss
        - grads: dict with the same keys as self.params
        """
        # The network reads captions_in and is scored against captions_out: at step t
        # it sees word t and must predict word t + 1. The first word it reads is
        # <START> and the last word it must predict is usually <END>.
        captions_in = captions[:, :-1]
        captions_out = captions[:, 1:]

        # <NULL> tokens are padding and are left out of the loss.
        mask = captions_out != self._null

        # Image features to the initial hidden state.
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]

        # Word embedding matrix.
        W_embed = self.params["W_embed"]

        # Recurrent weights.
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]

        # Hidden states to vocabulary scores.
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        loss, grads = 0.0, {}
        ############################################################################
        # TODO: Forward and backward passes of the CaptioningRNN:                  #
        # (1) an affine map from the image features to the initial hidden state, #
        #     shape (N, H);                                                        #
        # (2) word embeddings of captions_in, shape (N, T, W);                     #
        # (3) a vanilla RNN or an LSTM (by self.cell_type) over those vectors,     #
        #     giving hidden states of shape (N, T, H);                             #
        # (4) a temporal affine map to vocabulary scores, shape (N, T, V);         #
        # (5) the temporal softmax loss against captions_out, ignoring the         #
        #     positions where mask is False.                                       #
        # Then backpropagate and store every gradient in grads under the name of   #
        # its parameter. Use the layers of rnn_layers.py.                          #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # (1) image features -> h0
        h0, proj_cache = affine_forward(features, W_proj, b_proj)
        # (2) words -> vectors
        wordvecs, embed_cache = word_embedding_forward(captions_in, W_embed)
        # (3) rnn
        if self.cell_type == "rnn":
            hidden, rnn_cache = rnn_forward(wordvecs, h0, Wx, Wh, b)
        else:
            hidden, rnn_cache = lstm_forward(wordvecs, h0, Wx, Wh, b)
        # (4) hidden -> scores
        scores, vocab_cache = temporal_affine_forward(hidden, W_vocab, b_vocab)
        # (5) loss
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        # backward
        dhidden, grads["W_vocab"], grads["b_vocab"] = temporal_affine_backward(dscores, vocab_cache)
        if self.cell_type == "rnn":
            dwordvecs, dh0, grads["Wx"], grads["Wh"], grads["b"] = rnn_backward(dhidden, rnn_cache)
        else:
            dwordvecs, dh0, grads["Wx"], grads["Wh"], grads["b"] = lstm_backward(dhidden, rnn_cache)
        grads["W_embed"] = word_embedding_backward(dwordvecs, embed_cache)
        _, grads["W_proj"], grads["b_proj"] = affine_backward(dh0, proj_cache)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads

    def sample(self, features, max_length=30):
        """Greedy sampling of captions at test time.

        At every step the current word is embedded and fed, with the previous hidden
        state, to the RNN; the new hidden state is mapped to vocabulary scores and the
        highest-scoring word becomes the next word. The first word fed in is <START>.

        Inputs:
        - features: image features, shape (N, D)
        - max_length: number of words T to generate

        Returns:
        - captions: integer array of shape (N, max_length); column t holds the word
          generated at step t (the <START> token is not written)
        """
        N = features.shape[0]
        captions = self._null * np.ones((N, max_length), dtype=np.int32)

        # Unpack the parameters.
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        ###########################################################################
        # TODO: Implement test-time sampling. Start from the projected image      #
        # features and the <START> token; at each step embed the previous word,  #
        # take one RNN (or LSTM) step, compute the vocabulary scores, and write   #
        # the best word into captions. Use rnn_step_forward or                    #
        # lstm_step_forward, not the sequence functions. For an LSTM, start the   #
        # cell state at zero.                                                     #
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h = features.dot(W_proj) + b_proj
        c = np.zeros(h.shape)  # the LSTM's memory starts empty
        word = self._start * np.ones(N, dtype=np.int32)
        for t in range(max_length):
            wv = W_embed[word]
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(wv, h, Wx, Wh, b)
            else:
                h, _, _ = lstm_step_forward(wv, h, c, Wx, Wh, b)
            scores = h.dot(W_vocab) + b_vocab
            word = np.argmax(scores, axis=1)
            captions[:, t] = word

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return captions
