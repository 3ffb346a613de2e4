"""An image captioning Transformer (decoder only), in PyTorch."""

import copy

import numpy as np
import torch
import torch.nn as nn

from ..transformer_layers import *


class CaptioningTransformer(nn.Module):
    """Generate captions from image features with a Transformer decoder.

    The caption words, embedded and position-encoded, are the decoder's
    sequence; the projected image feature is its memory, a sequence of length
    one that every word attends to. A causal mask keeps each word from seeing
    the words after it.
    """

    def __init__(self, word_to_idx, input_dim, wordvec_dim, num_heads=4,
                 num_layers=2, max_length=50):
        """Build the model.

        Inputs:
        - word_to_idx: dict from each of the V words to an index in [0, V);
          it must contain '<NULL>', and normally '<START>' and '<END>'
        - input_dim: size D of the image features
        - wordvec_dim: size W of the word vectors (the model's width)
        - num_heads: number of attention heads
        - num_layers: number of decoder layers
        - max_length: the longest caption the positional encoding allows
        """
        super().__init__()

        vocab_size = len(word_to_idx)
        self.vocab_size = vocab_size
        self._null = word_to_idx["<NULL>"]
        self._start = word_to_idx.get("<START>", None)
        self._end = word_to_idx.get("<END>", None)

        self.visual_projection = nn.Linear(input_dim, wordvec_dim)
        self.embedding = nn.Embedding(vocab_size, wordvec_dim, padding_idx=self._null)
        self.positional_encoding = PositionalEncoding(wordvec_dim, max_len=max_length)

        decoder_layer = TransformerDecoderLayer(input_dim=wordvec_dim, num_heads=num_heads)
        self.transformer = TransformerDecoder(decoder_layer, num_layers=num_layers)
        self.apply(self._init_weights)

        # Made after the custom initialization: keeps PyTorch's default one.
        self.output = nn.Linear(wordvec_dim, vocab_size)

    def _init_weights(self, module):
        """Small normal weights and zero biases for linear and embedding
        layers; unit scale and zero shift for layer norms."""
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, features, captions):
        """Vocabulary scores for every position of the captions.

        Inputs:
        - features: image features, tensor of shape (N, D)
        - captions: word indices, integer tensor of shape (N, T)

        Returns:
        - scores: tensor of shape (N, T, V); scores[n, t] predicts the word
          after captions[n, t], having seen captions[n, :t + 1] only
        """
        N, T = captions.shape
        scores = torch.empty((N, T, self.vocab_size))
        #######################################################################
        # TODO: Implement the forward pass:                                   #
        # (1) embed the captions and add the positional encoding, (N, T, W);  #
        # (2) project the features to W and give them a sequence axis of      #
        #     length one, (N, 1, W): the memory;                              #
        # (3) build a (T, T) mask that lets position t attend to positions    #
        #     0..t only (hint: torch.tril);                                   #
        # (4) run self.transformer on the captions, the memory and the mask;  #
        # (5) map the result to vocabulary scores with self.output.           #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
        return scores

    def sample(self, features, max_length=30):
        """Greedy captions for a minibatch of image features.

        Each caption starts from <START>; at every step the whole caption so
        far goes through the model and the best-scoring word at the last
        position is appended. Dropout is switched off while sampling (the
        module's training flag is restored afterwards).

        Inputs:
        - features: image features, array or tensor of shape (N, D)
        - max_length: number of words to generate

        Returns:
        - captions: numpy integer array of shape (N, max_length); column 0
          holds the first generated word (not <START>)
        """
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                features = torch.as_tensor(features, dtype=self.output.weight.dtype)
                N = features.shape[0]
                captions = self._null * np.ones((N, max_length), dtype=np.int32)
                partial = torch.full((N, 1), self._start, dtype=torch.long)
                for t in range(max_length):
                    scores = self.forward(features, partial)[:, -1, :]
                    word = torch.argmax(scores, dim=1)
                    captions[:, t] = word.numpy()
                    partial = torch.cat([partial, word.unsqueeze(1)], dim=1)
        finally:
            self.train(was_training)
        return captions


class TransformerDecoderLayer(nn.Module):
    """One decoder layer: masked self-attention, attention to the memory and a
    feed-forward block, each followed by dropout, a residual connection and a
    layer norm (post-norm)."""

    def __init__(self, input_dim, num_heads, dim_feedforward=2048, dropout=0.1):
        """Build the layer.

        Inputs:
        - input_dim: size of the embeddings
        - num_heads: number of attention heads
        - dim_feedforward: hidden size of the feed-forward block
        - dropout: dropout probability everywhere in the layer
        """
        super().__init__()
        self.self_attn = MultiHeadAttention(input_dim, num_heads, dropout)
        self.multihead_attn = MultiHeadAttention(input_dim, num_heads, dropout)
        self.linear1 = nn.Linear(input_dim, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, input_dim)

        self.norm1 = nn.LayerNorm(input_dim)
        self.norm2 = nn.LayerNorm(input_dim)
        self.norm3 = nn.LayerNorm(input_dim)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.dropout3 = nn.Dropout(dropout)

        self.activation = nn.ReLU()

    def forward(self, tgt, memory, tgt_mask=None):
        """Run the layer.

        Inputs:
        - tgt: the sequence being decoded, shape (N, T, W)
        - memory: the sequence attended to, shape (N, S, W)
        - tgt_mask: mask of the self-attention, shape (T, T) (nonzero where
          attention is allowed)

        Returns:
        - out: shape (N, T, W)
        """
        attended = self.self_attn(query=tgt, key=tgt, value=tgt, attn_mask=tgt_mask)
        tgt = self.norm1(tgt + self.dropout1(attended))

        attended = self.multihead_attn(query=tgt, key=memory, value=memory)
        tgt = self.norm2(tgt + self.dropout2(attended))

        hidden = self.dropout(self.activation(self.linear1(tgt)))
        tgt = self.norm3(tgt + self.dropout3(self.linear2(hidden)))
        return tgt


def clones(module, N):
    """A ModuleList of N independent deep copies of module."""
    return nn.ModuleList([copy.deepcopy(module) for _ in range(N)])


class TransformerDecoder(nn.Module):
    """A stack of decoder layers (copies of one layer, each with its own
    parameters)."""

    def __init__(self, decoder_layer, num_layers):
        super().__init__()
        self.layers = clones(decoder_layer, num_layers)
        self.num_layers = num_layers

    def forward(self, tgt, memory, tgt_mask=None):
        """Run every layer in turn.

        Inputs:
        - tgt: shape (N, T, W)
        - memory: shape (N, S, W)
        - tgt_mask: shape (T, T), or None

        Returns:
        - output: shape (N, T, W)
        """
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask)
        return output
