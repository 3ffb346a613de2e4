import torch
import torch.nn as nn
from torch.nn import functional as F
import math

"""
Layers for the captioning Transformer.
"""

class PositionalEncoding(nn.Module):
    """
    Adds to each token a fixed vector that encodes its position in the sequence.
    """
    def __init__(self, embed_dim, dropout=0.1, max_len=5000):
        """
        Inputs:
         - embed_dim: size of the token embeddings (must be even)
         - dropout: dropout probability
         - max_len: longest sequence the encoding covers
        """
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        assert embed_dim % 2 == 0
        # The encoding is stored with a leading axis of size 1 so that it broadcasts
        # over the batch.
        pe = torch.zeros(1, max_len, embed_dim)
        ############################################################################
        # TODO: Fill pe. For position i and column j, use sin(i * 10000^(-j/d))    #
        # when j is even and cos(i * 10000^(-(j-1)/d)) when j is odd, d being the  #
        # embedding size.                                                          #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        d = embed_dim
        cols = torch.arange(0, d, 2).float()
        inv_freq = torch.pow(10000.0, -cols / d)
        for i in range(max_len):
            pe[0, i, 0::2] = torch.sin(i * inv_freq)
            pe[0, i, 1::2] = torch.cos(i * inv_freq)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        # A buffer is saved with the module's state but is not a parameter.
        self.register_buffer('pe', pe)

    def forward(self, x):
        """
        Adds the positional encoding to a sequence of embeddings.

        Inputs:
         - x: token embeddings, shape (N, S, D)
        Returns:
         - output: the embeddings plus their positional encodings, passed through
           dropout, shape (N, S, D)
        """
        N, S, D = x.shape
        # Placeholder, to be replaced.
        output = torch.empty((N, S, D))
        ############################################################################
        # TODO: Add the positional encodings of the first S positions to x, then   #
        # apply dropout.                                                           #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        output = self.dropout(x + self.pe[:, :S, :])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output


class MultiHeadAttention(nn.Module):
    """
    Multi-head scaled dot-product attention with dropout on the attention weights.

    The module projects the query, key and value, splits each into n_head heads,
    attends within every head, joins the heads again and applies an output
    projection.

    Usage:
      attn = MultiHeadAttention(embed_dim, num_heads=2)

      # self-attention
      data = torch.randn(batch_size, sequence_length, embed_dim)
      self_attn_output = attn(query=data, key=data, value=data)

      # attention to another sequence
      other_data = torch.randn(batch_size, sequence_length, embed_dim)
      attn_output = attn(query=data, key=other_data, value=other_data)
    """

    def __init__(self, embed_dim, num_heads, dropout=0.1):
        """
        Inputs:
         - embed_dim: size of the token embeddings
         - num_heads: number of heads
         - dropout: dropout probability on the attention weights
        """
        super().__init__()
        assert embed_dim % num_heads == 0

        # Do not change the order of these layers: it fixes the random
        # initialisation the notebook's numbers depend on.
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
        Attention of the query sequence to the key/value sequence.

        Inputs:
        - query: shape (N, S, E)
        - key: shape (N, T, E)
        - value: shape (N, T, E)
        - attn_mask: shape (S, T); where attn_mask[i, j] == 0, query position i
          may not attend to key position j

        Returns:
        - output: shape (N, S, E)
        """
        N, S, E = query.shape
        N, T, E = value.shape
        # Placeholder, to be replaced.
        output = torch.empty((N, S, E))
        ############################################################################
        # TODO: Implement multi-head attention:                                   #
        #  1. project query, key and value and split each into n_head heads of    #
        #     size head_dim, giving shapes (N, H, S, E/H) and (N, H, T, E/H);      #
        #  2. compute the attention scores, scaled by 1 / sqrt(E/H);               #
        #  3. where attn_mask is 0, set the scores to -inf (or a very negative     #
        #     number) before the softmax over the key positions;                  #
        #  4. apply self.attn_drop to the attention weights;                       #
        #  5. take the weighted sum of the values, join the heads back to          #
        #     (N, S, E) and apply self.proj.                                       #
        # torch.matmul and Tensor.transpose / Tensor.view are all you need.        #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        H = self.n_head
        q = self.query(query).view(N, S, H, self.head_dim).transpose(1, 2)  # (N, H, S, d)
        k = self.key(key).view(N, T, H, self.head_dim).transpose(1, 2)      # (N, H, T, d)
        v = self.value(value).view(N, T, H, self.head_dim).transpose(1, 2)  # (N, H, T, d)

        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # (N, H, S, T)
        if attn_mask is not None:
            scores = scores.masked_fill(attn_mask == 0, float("-inf"))
        attn = F.softmax(scores, dim=-1)
        attn = self.attn_drop(attn)

        y = torch.matmul(attn, v)                                 # (N, H, S, d)
        y = y.transpose(1, 2).contiguous().view(N, S, E)          # (N, S, E)
        output = self.proj(y)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################
        return output
