from builtins import range
from builtins import object
import numpy as np

from cs231n.rnn_layers import *


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
        pass
        # forward
        h0 = np.dot(features, W_proj) + b_proj
        emb, emb_cache = word_embedding_forward(captions_in, W_embed)
        if self.cell_type == 'rnn':
            hs, rnn_cache = rnn_forward(emb, h0, Wx, Wh, b)
        elif self.cell_type == 'lstm':
            hs, rnn_cache = lstm_forward(emb, h0, Wx, Wh, b)
        scores, aff_cache = temporal_affine_forward(hs, W_vocab, b_vocab)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask, verbose=False)

        # backward
        dhs, grads['W_vocab'], grads['b_vocab'] = temporal_affine_backward(dscores, aff_cache)
        if self.cell_type == 'rnn':
            demb, dh0, grads['Wx'], grads['Wh'], grads['b'] = rnn_backward(dhs, rnn_cache)
        elif self.cell_type == 'lstm':
            demb, dh0, grads['Wx'], grads['Wh'], grads['b'] = lstm_backward(dhs, rnn_cache)
        grads['W_embed'] = word_embedding_backward(demb, emb_cache)
        grads['W_proj'] = np.dot(features.T, dh0)
        grads['b_proj'] = np.sum(dh0, axis=0)
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
        pass
        h = np.dot(features, W_proj) + b_proj
        c = np.zeros_like(h)
        prev = np.full(N, self._start)
        for t in range(max_length):
            if self.cell_type == 'rnn':
                h, _ = rnn_step_forward(W_embed[prev], h, Wx, Wh, b)
            elif self.cell_type == 'lstm':
                h, c, _ = lstm_step_forward(W_embed[prev], h, c, Wx, Wh, b)
            prev = np.argmax(np.dot(h, W_vocab) + b_vocab, axis=1)
            captions[:, t] = prev
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return captions
