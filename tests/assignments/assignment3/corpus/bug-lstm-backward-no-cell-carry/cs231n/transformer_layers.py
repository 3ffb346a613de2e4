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

        # 偶数列用 sin，奇数列用 cos，指数里用的都是偶数列下标 j
        pos = torch.arange(max_len, dtype=torch.float64).reshape(-1, 1)
        j = torch.arange(0, embed_dim, 2, dtype=torch.float64)
        angle = pos * torch.pow(10000.0, -j / embed_dim)  # (max_len, embed_dim/2)
        pe[0, :, 0::2] = torch.sin(angle).float()
        pe[0, :, 1::2] = torch.cos(angle).float()


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

        # 只取前 S 个位置
        output = x + self.pe[:, :S, :]
        output = self.dropout(output)

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

        H = self.n_head
        d = self.head_dim
        # (N, L, E) -> (N, L, H, d) -> (N, H, L, d)
        Q = self.query(query).reshape(N, S, H, d).permute(0, 2, 1, 3)
        K = self.key(key).reshape(N, T, H, d).permute(0, 2, 1, 3)
        V = self.value(value).reshape(N, T, H, d).permute(0, 2, 1, 3)

        # 注意力得分 (N, H, S, T)，缩放用的是每个头的维度
        att = Q @ K.permute(0, 1, 3, 2) / math.sqrt(d)
        if attn_mask is not None:
            # mask 为 0 的位置不能看
            att = att.masked_fill(~attn_mask.bool(), float("-inf"))
        att = torch.softmax(att, dim=-1)
        att = self.attn_drop(att)

        Y = att @ V  # (N, H, S, d)
        Y = Y.permute(0, 2, 1, 3).reshape(N, S, E)  # 把各个头拼回去
        output = self.proj(Y)

        return output
