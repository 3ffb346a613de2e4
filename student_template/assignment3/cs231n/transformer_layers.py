"""Building blocks of a Transformer, in PyTorch: the sinusoidal positional
encoding and multi-head scaled dot-product attention.

Tensors are batch first: a minibatch of N sequences of length S with
embeddings of size E has shape (N, S, E).
"""

import math

import torch
import torch.nn as nn
from torch.nn import functional as F


class PositionalEncoding(nn.Module):
    """Add the position of every element of a sequence to its embedding.

    Position i (counted from 0) of an embedding of size D gets, in column j,

        P[i, j] = sin(i * 10000 ** (-j / D))        for even j
        P[i, j] = cos(i * 10000 ** (-(j - 1) / D))  for odd j

    The table P is computed once and kept in the buffer ``pe`` of shape
    (1, max_len, D).
    """

    def __init__(self, embed_dim, dropout=0.1, max_len=5000):
        """Build the table of encodings.

        Inputs:
        - embed_dim: size D of the embeddings; must be even
        - dropout: probability of dropping an element of the output
        - max_len: the longest sequence that can be encoded
        """
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        assert embed_dim % 2 == 0
        pe = torch.zeros(1, max_len, embed_dim)
        #######################################################################
        # TODO: Fill pe[0, i, j] with the encoding P[i, j] of the class       #
        # docstring, for every position i < max_len and column j < embed_dim. #
        # Try to do it without Python loops.                                  #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        # A buffer moves with the module (.to(), state_dict) but is not trained.
        self.register_buffer("pe", pe)

    def forward(self, x):
        """Add the positional encodings to a minibatch of sequences.

        Inputs:
        - x: embeddings, shape (N, S, D), with S <= max_len

        Returns:
        - output: dropout(x + P[:S]), shape (N, S, D)
        """
        N, S, D = x.shape
        output = torch.empty((N, S, D))
        #######################################################################
        # TODO: Add the first S rows of the table to x, then apply dropout.   #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
        return output


class MultiHeadAttention(nn.Module):
    """Multi-head scaled dot-product attention with dropout on the weights.

    With h heads, the projected queries, keys and values are cut into h slices
    of E/h features. Each head attends with weights softmax(Q K^T / sqrt(E/h))
    over the keys; the heads' outputs are put side by side again and mixed by
    a last linear map.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.1):
        """Build the projections.

        Inputs:
        - embed_dim: size E of the embeddings
        - num_heads: number of heads h; must divide E
        - dropout: probability of dropping an attention weight
        """
        super().__init__()
        assert embed_dim % num_heads == 0

        # The order in which the layers are made fixes their initial weights.
        self.key = nn.Linear(embed_dim, embed_dim)
        self.query = nn.Linear(embed_dim, embed_dim)
        self.value = nn.Linear(embed_dim, embed_dim)
        self.proj = nn.Linear(embed_dim, embed_dim)

        self.attn_drop = nn.Dropout(dropout)

        self.n_head = num_heads
        self.emd_dim = embed_dim
        self.head_dim = self.emd_dim // self.n_head

    def forward(self, query, key, value, attn_mask=None):
        """Attend from every query position to the key/value positions.

        Inputs:
        - query: shape (N, S, E)
        - key: shape (N, T, E)
        - value: shape (N, T, E)
        - attn_mask: optional, shape (S, T); query position s may attend to key
          position t only where attn_mask[s, t] is nonzero (True)

        Returns:
        - output: shape (N, S, E)
        """
        N, S, E = query.shape
        N, T, E = value.shape
        output = torch.empty((N, S, E))
        #######################################################################
        # TODO: Implement multi-head attention:                               #
        # (1) project query, key and value with self.query, self.key and      #
        #     self.value;                                                     #
        # (2) split the last axis into heads, (N, L, E) -> (N, L, h, E/h),    #
        #     and move the head axis forward: (N, h, L, E/h);                 #
        # (3) compute the scores Q K^T / sqrt(E/h), shape (N, h, S, T);       #
        # (4) where attn_mask is zero, give the score a very large negative   #
        #     value so that no attention goes there;                          #
        # (5) softmax over the key axis, then self.attn_drop on the weights;  #
        # (6) weight the values, put the heads back side by side, (N, S, E),  #
        #     and apply self.proj.                                            #
        # Hint: torch.matmul and Tensor.masked_fill.                          #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
        return output
