from builtins import range
from builtins import object
import numpy as np

from ..rnn_layers import *


class CaptioningRNN(object):
    """
    Writes captions from image features with a recurrent network: features of size D,
    a vocabulary of V words, sequences of length T, word vectors of size W, hidden size
    H, minibatches of N. No regularisation.
    """

    def __init__(self, word_to_idx, input_dim=512, wordvec_dim=128,
                 hidden_dim=128, cell_type='rnn', dtype=np.float32):
        """
        Inputs:
        - word_to_idx: dict mapping the V words to integers in [0, V)
        - input_dim: D, wordvec_dim: W, hidden_dim: H
        - cell_type: 'rnn' or 'lstm'
        - dtype: numpy dtype of the parameters
        """
        if cell_type not in {'rnn', 'lstm'}:
            raise ValueError('Invalid cell_type "%s"' % cell_type)

        self.cell_type = cell_type
        self.dtype = dtype
        self.word_to_idx = word_to_idx
        self.idx_to_word = {i: w for w, i in word_to_idx.items()}
        self.params = {}

        vocab_size = len(word_to_idx)

        self._null = word_to_idx['<NULL>']
        self._start = word_to_idx.get('<START>', None)
        self._end = word_to_idx.get('<END>', None)

        self.params['W_embed'] = np.random.randn(vocab_size, wordvec_dim)
        self.params['W_embed'] /= 100

        self.params['W_proj'] = np.random.randn(input_dim, hidden_dim)
        self.params['W_proj'] /= np.sqrt(input_dim)
        self.params['b_proj'] = np.zeros(hidden_dim)

        dim_mul = {'lstm': 4, 'rnn': 1}[cell_type]
        self.params['Wx'] = np.random.randn(wordvec_dim, dim_mul * hidden_dim)
        self.params['Wx'] /= np.sqrt(wordvec_dim)
        self.params['Wh'] = np.random.randn(hidden_dim, dim_mul * hidden_dim)
        self.params['Wh'] /= np.sqrt(hidden_dim)
        self.params['b'] = np.zeros(dim_mul * hidden_dim)

        self.params['W_vocab'] = np.random.randn(hidden_dim, vocab_size)
        self.params['W_vocab'] /= np.sqrt(hidden_dim)
        self.params['b_vocab'] = np.zeros(vocab_size)

        for k, v in self.params.items():
            self.params[k] = v.astype(self.dtype)

    def loss(self, features, captions):
        """
        Training loss and gradients.

        Inputs:
        - features: (N, D) image features
        - captions: (N, T + 1) integer captions; words 0..T-1 are fed in, words 1..T
          are the targets, <NULL> targets are ignored

        Returns a tuple of:
        - loss: scalar
        - grads: dict with the keys of self.params
        """
        captions_in = captions[:, :-1]
        captions_out = captions[:, 1:]

        mask = (captions_out != self._null)

        W_proj, b_proj = self.params['W_proj'], self.params['b_proj']
        W_embed = self.params['W_embed']
        Wx, Wh, b = self.params['Wx'], self.params['Wh'], self.params['b']
        W_vocab, b_vocab = self.params['W_vocab'], self.params['b_vocab']

        loss, grads = 0.0, {}
        ############################################################################
        # TODO: forward pass, loss, and gradients of every parameter.
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # (1) image features -> initial hidden state
        h0, cache_proj = affine_forward(features, W_proj, b_proj)
        # (2) words -> vectors
        x, cache_emb = word_embedding_forward(captions_in, W_embed)
        # (3) recurrence
        if self.cell_type == 'rnn':
            h, cache_rnn = rnn_forward(x, h0, Wx, Wh, b)
        else:
            raise NotImplementedError("only the vanilla RNN is implemented")
        # (4) hidden states -> scores, (5) loss
        scores, cache_out = temporal_affine_forward(h, W_vocab, b_vocab)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, cache_out)
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache_rnn)
        dW_embed = word_embedding_backward(dx, cache_emb)
        _, dW_proj, db_proj = affine_backward(dh0, cache_proj)
        grads.update(W_proj=dW_proj, b_proj=db_proj, W_embed=dW_embed, Wx=dWx,
                     Wh=dWh, b=db, W_vocab=dW_vocab, b_vocab=db_vocab)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads

    def sample(self, features, max_length=30):
        """
        Greedy captions at test time, starting from <START>.

        Inputs:
        - features: (N, D) image features
        - max_length: number of words to generate

        Returns:
        - captions: (N, max_length) integer array; column t holds the word generated at
          step t
        """
        N = features.shape[0]
        captions = self._null * np.ones((N, max_length), dtype=np.int32)

        W_proj, b_proj = self.params['W_proj'], self.params['b_proj']
        W_embed = self.params['W_embed']
        Wx, Wh, b = self.params['Wx'], self.params['Wh'], self.params['b']
        W_vocab, b_vocab = self.params['W_vocab'], self.params['b_vocab']

        ###########################################################################
        # TODO: greedy sampling, one word per step.
        ###########################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, _ = affine_forward(features, W_proj, b_proj)
        word = np.repeat(self._start, N)
        for t in range(max_length):
            x, _ = word_embedding_forward(word[:, None], W_embed)
            h, _ = rnn_step_forward(x[:, 0, :], h, Wx, Wh, b)
            scores, _ = affine_forward(h, W_vocab, b_vocab)
            word = scores.argmax(axis=1)
            captions[:, t] = word

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return captions
