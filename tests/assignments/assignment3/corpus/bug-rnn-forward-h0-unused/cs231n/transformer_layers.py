import torch
import torch.nn as nn
from torch.nn import functional as F
import math

"""
Layers of the captioning Transformer (2021 kit).
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
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        i = torch.arange(max_len).float()[:, None]                       # (L, 1)
        j = torch.arange(embed_dim).float()[None, :]                     # (1, D)
        even_j = j - (j % 2)                                             # j or j - 1
        arg = i * torch.pow(10000.0, -even_j / embed_dim)                # (L, D)
        is_even = (torch.arange(embed_dim) % 2 == 0)
        pe[0] = torch.where(is_even, torch.sin(arg), torch.cos(arg))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
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
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        positions = self.pe.narrow(1, 0, S)          # (1, S, D)
        output = self.dropout(x + positions)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output


class MultiHeadAttention(nn.Module):
    """
    Multi-head scaled dot-product attention.

    Usage:
      attn = MultiHeadAttention(embed_dim, num_heads=2)
      out = attn(query=data, key=data, value=data)
    """

    def __init__(self, embed_dim, num_heads, dropout=0.1):
        """
        Inputs:
         - embed_dim: token size E
         - num_heads: number of heads
         - dropout: dropout probability
        """
        super().__init__()
        assert embed_dim % num_heads == 0

        self.key = nn.Linear(embed_dim, embed_dim)
        self.query = nn.Linear(embed_dim, embed_dim)
        self.value = nn.Linear(embed_dim, embed_dim)
        self.proj = nn.Linear(embed_dim, embed_dim)

        ############################################################################
        # TODO: set up whatever else the forward pass needs (dropout, head sizes).
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.weights_dropout = nn.Dropout(p=dropout)
        self.heads = num_heads
        self.width = embed_dim // num_heads

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

    def forward(self, query, key, value, attn_mask=None):
        """
        Inputs:
        - query: (N, S, E)
        - key: (N, T, E)
        - value: (N, T, E)
        - attn_mask: (T, S) target/source mask; a 0 entry forbids that pair

        Returns:
        - output: (N, T, D)
        """
        N, S, D = query.shape
        N, T, D = value.shape
        output = torch.empty((N, T, D))
        ############################################################################
        # TODO: multi-head attention as in the notebook's equations.
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        def heads(t, L):
            # (N, L, D) -> (N, heads, L, width)
            return t.reshape(N, L, self.heads, self.width).permute(0, 2, 1, 3)

        q = heads(self.query(query), S)
        k = heads(self.key(key), T)
        v = heads(self.value(value), T)

        logits = q.matmul(k.permute(0, 1, 3, 2)) * (self.width ** -0.5)   # (N, h, S, T)
        if attn_mask is not None:
            logits = logits.masked_fill(attn_mask == 0, float('-inf'))
        weights = self.weights_dropout(F.softmax(logits, dim=-1))
        mixed = weights.matmul(v)                                         # (N, h, S, width)
        output = self.proj(mixed.permute(0, 2, 1, 3).reshape(N, S, D))

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output
