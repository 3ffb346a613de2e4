import numpy as np
import copy

import torch
import torch.nn as nn

from ..transformer_layers import *


class CaptioningTransformer(nn.Module):
    """
    Transformer decoder that writes captions from image features: features of size D,
    a vocabulary of V words, sequences of at most T tokens, word vectors of size W.
    """
    def __init__(self, word_to_idx, input_dim, wordvec_dim, num_heads=4,
                 num_layers=2, max_length=50):
        """
        Inputs:
         - word_to_idx: dict mapping the V words to integers in [0, V)
         - input_dim: D
         - wordvec_dim: W
         - num_heads, num_layers: size of the decoder
         - max_length: longest sequence of the positional encoding
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
        """N(0, 0.02^2) weights for Linear and Embedding, zero biases, identity LayerNorm."""
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, features, captions):
        """
        Inputs:
         - features: (N, D) image features
         - captions: (N, T) integer captions

        Returns:
         - scores: (N, T, V) vocabulary scores at every position
        """
        N, T = captions.shape
        scores = torch.empty((N, T, self.vocab_size))
        ############################################################################
        # TODO: scores of every position.
        ############################################################################
        pass
        words = self.positional_encoding(self.embedding(captions))
        img = self.visual_projection(features)[:, None, :]
        causal = torch.tril(torch.ones((T, T), dtype=torch.bool, device=captions.device))
        decoded = self.transformer(words, img, tgt_mask=causal)
        scores = self.output(decoded)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return scores

    def sample(self, features, max_length=30):
        """
        Greedy decoding.

        Inputs:
         - features: (N, D) image features (numpy)
         - max_length: number of words to generate

        Returns:
         - captions: (N, max_length) integer array of generated words
        """
        with torch.no_grad():
            features = torch.Tensor(features)
            N = features.shape[0]

            captions = self._null * np.ones((N, max_length), dtype=np.int32)
            partial_caption = self._start * np.ones(N, dtype=np.int32)
            partial_caption = torch.LongTensor(partial_caption)
            partial_caption = partial_caption.unsqueeze(1)

            for t in range(max_length):
                output_logits = self.forward(features, partial_caption)
                output_logits = output_logits[:, -1, :]
                word = torch.argmax(output_logits, axis=1)
                captions[:, t] = word.numpy()
                word = word.unsqueeze(1)
                partial_caption = torch.cat([partial_caption, word], dim=1)

            return captions


class TransformerDecoderLayer(nn.Module):
    """
    Post-norm decoder layer: masked self-attention, attention to the memory, then a
    feedforward block; each with dropout, a residual connection and a LayerNorm.
    """
    def __init__(self, input_dim, num_heads, dim_feedforward=2048, dropout=0.1):
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
        - tgt: (N, T, W) target sequence
        - memory: (N, S, W) sequence attended to
        - tgt_mask: (T, T) self-attention mask

        Returns:
        - out: (N, T, W)
        """
        a = self.self_attn(query=tgt, key=tgt, value=tgt, attn_mask=tgt_mask)
        tgt = self.norm1(tgt + self.dropout1(a))

        a = self.multihead_attn(query=tgt, key=memory, value=memory)
        tgt = self.norm2(tgt + self.dropout2(a))

        a = self.linear2(self.dropout(self.activation(self.linear1(tgt))))
        tgt = self.norm3(tgt + self.dropout3(a))
        return tgt


def clones(module, N):
    "N identical layers."
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
