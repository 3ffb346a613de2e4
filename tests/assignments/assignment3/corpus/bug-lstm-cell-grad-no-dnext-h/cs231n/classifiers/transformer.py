import numpy as np
import copy

import torch
import torch.nn as nn

from ..transformer_layers import *


class CaptioningTransformer(nn.Module):
    """
    A Transformer decoder that writes captions from image features. It reads
    features of size D, works with a vocabulary of V words and sequences of at most
    T tokens, and uses word vectors of size W.
    """
    def __init__(self, word_to_idx, input_dim, wordvec_dim, num_heads=4,
                 num_layers=2, max_length=50):
        """
        Build a CaptioningTransformer.

        Inputs:
         - word_to_idx: dict from each of the V words to an integer in [0, V)
         - input_dim: size D of the image features
         - wordvec_dim: size W of the word vectors
         - num_heads: number of attention heads
         - num_layers: number of decoder layers
         - max_length: longest sequence the positional encoding covers
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

        self.output = nn.Linear(wordvec_dim, vocab_size)

    def _init_weights(self, module):
        """
        Small normal weights for the linear and embedding layers, zero biases, and
        the identity for layer norms.
        """
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, features, captions):
        """
        Scores over the vocabulary for every position of the given captions.

        Inputs:
         - features: image features, shape (N, D)
         - captions: ground-truth captions, integer tensor of shape (N, T)

        Returns:
         - scores: shape (N, T, V)
        """
        N, T = captions.shape
        # Placeholder, to be replaced.
        scores = torch.empty((N, T, self.vocab_size))
        ############################################################################
        # TODO: Implement the forward pass:                                        #
        #  1. embed the captions and add their positional encoding, giving the     #
        #     target sequence of shape (N, T, W);                                  #
        #  2. project the image features to shape (N, 1, W): the memory, a         #
        #     sequence of length 1;                                                #
        #  3. build a mask so that position t only attends to positions <= t;      #
        #  4. run the decoder and map its output to scores over the vocabulary.   #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        emb = self.embedding(captions)
        tgt = self.positional_encoding(emb)
        mem = self.visual_projection(features)[:, None, :]
        causal = torch.tril(torch.ones((T, T), dtype=torch.bool, device=captions.device))
        h = self.transformer(tgt, mem, tgt_mask=causal)
        scores = self.output(h)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return scores

    def sample(self, features, max_length=30):
        """
        Greedy decoding at test time.

        Inputs:
         - features: image features, array of shape (N, D)
         - max_length: number of words to generate

        Returns:
         - captions: integer array of shape (N, max_length); column t holds the
           word chosen at step t
        """
        with torch.no_grad():
            weight = self.output.weight
            features = torch.as_tensor(features, dtype=weight.dtype, device=weight.device)
            N = features.shape[0]

            # Every caption starts as the <START> token alone.
            captions = self._null * np.ones((N, max_length), dtype=np.int32)
            prefix = torch.full((N, 1), self._start, dtype=torch.long, device=weight.device)

            for t in range(max_length):
                # Scores of the last position only.
                logits = self.forward(features, prefix)[:, -1, :]
                word = torch.argmax(logits, dim=1)
                captions[:, t] = word.cpu().numpy()
                prefix = torch.cat([prefix, word.unsqueeze(1)], dim=1)

            return captions


class TransformerDecoderLayer(nn.Module):
    """
    One decoder layer: masked self-attention, attention to the memory, and a
    feedforward block, each followed by dropout, a residual connection and a layer
    norm.
    """
    def __init__(self, input_dim, num_heads, dim_feedforward=2048, dropout=0.1):
        """
        Inputs:
         - input_dim: size of the token vectors
         - num_heads: number of attention heads
         - dim_feedforward: hidden size of the feedforward block
         - dropout: dropout probability
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
        """
        Inputs:
        - tgt: the target sequence, shape (N, T, W)
        - memory: the sequence the layer attends to, shape (N, S, W)
        - tgt_mask: mask of the self-attention, shape (T, T)

        Returns:
        - out: shape (N, T, W)
        """
        # Masked self-attention.
        tgt2 = self.self_attn(query=tgt, key=tgt, value=tgt, attn_mask=tgt_mask)
        tgt = tgt + self.dropout1(tgt2)
        tgt = self.norm1(tgt)

        # Attention to the image features.
        tgt2 = self.multihead_attn(query=tgt, key=memory, value=memory)
        tgt = tgt + self.dropout2(tgt2)
        tgt = self.norm2(tgt)

        # Feedforward block.
        tgt2 = self.linear2(self.dropout(self.activation(self.linear1(tgt))))
        tgt = tgt + self.dropout3(tgt2)
        tgt = self.norm3(tgt)
        return tgt


def clones(module, N):
    "N independent copies of a module."
    return nn.ModuleList([copy.deepcopy(module) for _ in range(N)])


class TransformerDecoder(nn.Module):
    def __init__(self, decoder_layer, num_layers):
        super().__init__()
        self.layers = clones(decoder_layer, num_layers)
        self.num_layers = num_layers

    def forward(self, tgt, memory, tgt_mask=None):
        output = tgt

        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask)

        return output
