import torch
import torch.nn as nn
from torch.nn import functional as F
import math

"""
Layers of the captioning Transformer.
"""


class PositionalEncoding(nn.Module):
    """
    Adds a fixed sinusoidal vector that encodes each token's position.
    """
    def __init__(self, embed_dim, dropout=0.1, max_len=5000):
        """
        Inputs:
         - embed_dim: size of the embeddings (even)
         - dropout: dropout probability
         - max_len: longest sequence covered
        """
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        assert embed_dim % 2 == 0
        pe = torch.zeros(1, max_len, embed_dim)
        ############################################################################
        # TODO: fill pe with the sinusoidal table of the notebook.
        ############################################################################
        pass
        position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)      # (L, 1)
        log_scale = -math.log(10000.0) / embed_dim
        freq = torch.exp(torch.arange(0, embed_dim, 2, dtype=torch.float64) * log_scale)
        angle = position * freq                                                 # (L, D/2)
        pe[0, :, 0::2] = torch.sin(angle).to(pe.dtype)
        pe[0, :, 1::2] = torch.cos(angle).to(pe.dtype)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        self.register_buffer('pe', pe)

    def forward(self, x):
        """
        Inputs:
         - x: (N, S, D) embeddings
        Returns:
         - output: (N, S, D), dropout(x + positional encoding)
        """
        N, S, D = x.shape
        output = torch.empty((N, S, D))
        ############################################################################
        # TODO: add the encodings of the first S positions, then dropout.
        ############################################################################
        pass
        output = x + self.pe[:, :S, :]
        output = self.dropout(output)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output


class MultiHeadAttention(nn.Module):
    """
    Multi-head scaled dot-product attention with dropout on the attention weights.

    Usage:
      attn = MultiHeadAttention(embed_dim, num_heads=2)
      out = attn(query=data, key=data, value=data)
    """

    def __init__(self, embed_dim, num_heads, dropout=0.1):
        """
        Inputs:
         - embed_dim: token size E
         - num_heads: number of heads h
         - dropout: dropout probability on the attention weights
        """
        super().__init__()
        assert embed_dim % num_heads == 0

        self.key = nn.Linear(embed_dim, embed_dim)
        self.query = nn.Linear(embed_dim, embed_dim)
        self.value = nn.Linear(embed_dim, embed_dim)
        self.proj = nn.Linear(embed_dim, embed_dim)

        self.attn_drop = nn.Dropout(dropout)

        self.n_head = num_heads
        self.emd_dim = embed_dim
        self.head_dim = self.emd_dim // self.n_head

    def forward(self, query, key, value, attn_mask=None):
        """
        Inputs:
        - query: (N, S, E)
        - key: (N, T, E)
        - value: (N, T, E)
        - attn_mask: (S, T); attn_mask[i, j] == 0 forbids query i to attend to key j

        Returns:
        - output: (N, S, E)
        """
        N, S, E = query.shape
        N, T, E = value.shape
        output = torch.empty((N, S, E))
        ############################################################################
        # TODO: multi-head attention as in the notebook's equations.
        ############################################################################
        pass
        h, d = self.n_head, self.head_dim
        Q = self.query(query).reshape(N, S, h, d)
        K = self.key(key).reshape(N, T, h, d)
        V = self.value(value).reshape(N, T, h, d)
        att = torch.einsum('nshd,nthd->nhst', Q, K) / math.sqrt(d)
        if attn_mask is not None:
            att = att.masked_fill(attn_mask.to(torch.bool).logical_not(), -1e9)
        att = torch.softmax(att, dim=3)
        att = self.attn_drop(att)
        Y = torch.einsum('nhst,nthd->nshd', att, V).reshape(N, S, E)
        output = self.proj(Y)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output
