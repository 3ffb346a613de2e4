"""The notebooks' fixed inputs (the RNN_Captioning sections from "Vanilla RNN:
step forward" to "The captioning RNN") and the numbers they print."""

import numpy as np


def step_forward_inputs():
    """Vanilla RNN: step forward: N, D, H = 3, 10, 4, linspace inputs (x, prev_h, Wx, Wh, b)."""
    N, D, H = 3, 10, 4
    return (np.linspace(-0.4, 0.7, num=N * D).reshape(N, D),
            np.linspace(-0.2, 0.5, num=N * H).reshape(N, H),
            np.linspace(-0.1, 0.9, num=D * H).reshape(D, H),
            np.linspace(-0.3, 0.7, num=H * H).reshape(H, H),
            np.linspace(-0.2, 0.4, num=H))


def step_backward_inputs():
    """Vanilla RNN: step backward: seed 231, N, D, H = 4, 5, 6 (x, prev_h, Wx, Wh, b, dnext_h)."""
    rs = np.random.RandomState(231)
    N, D, H = 4, 5, 6
    return (rs.randn(N, D), rs.randn(N, H), rs.randn(D, H), rs.randn(H, H), rs.randn(H),
            rs.randn(N, H))


def sequence_forward_inputs():
    """Vanilla RNN: forward over a sequence: N, T, D, H = 2, 3, 4, 5, linspace inputs
    (x, h0, Wx, Wh, b)."""
    N, T, D, H = 2, 3, 4, 5
    return (np.linspace(-0.1, 0.3, num=N * T * D).reshape(N, T, D),
            np.linspace(-0.3, 0.1, num=N * H).reshape(N, H),
            np.linspace(-0.2, 0.4, num=D * H).reshape(D, H),
            np.linspace(-0.4, 0.1, num=H * H).reshape(H, H),
            np.linspace(-0.7, 0.1, num=H))


def sequence_backward_inputs():
    """Vanilla RNN: backward over a sequence: seed 231, N, D, T, H = 2, 3, 10, 5
    (x, h0, Wx, Wh, b, dh)."""
    rs = np.random.RandomState(231)
    N, D, T, H = 2, 3, 10, 5
    return (rs.randn(N, T, D), rs.randn(N, H), rs.randn(D, H), rs.randn(H, H), rs.randn(H),
            rs.randn(N, T, H))


def embedding_forward_inputs():
    """Word embedding, forward: x (2, 4) with every index of V = 5 but 4,
    W = linspace(0, 1) as (5, 3)."""
    return np.array([[0, 3, 1, 2], [2, 1, 0, 3]]), np.linspace(0, 1, num=15).reshape(5, 3)


def embedding_backward_inputs():
    """Word embedding, backward: seed 231, N, T, V, D = 50, 3, 5, 6 (x, W, dout);
    indices repeat."""
    rs = np.random.RandomState(231)
    N, T, V, D = 50, 3, 5, 6
    return rs.randint(V, size=(N, T)), rs.randn(V, D), rs.randn(N, T, D)


def captioning_loss_inputs():
    """The captioning RNN, its loss: the toy vocabulary, N, D, W, H = 10, 20, 30, 40, T = 13; every
    parameter linspace(-1.4, 1.3) of its size (given to set_params), features
    linspace(-1.5, 0.3), captions arange(N * T) % V."""
    N, D, W, H, T, V = 10, 20, 30, 40, 13, 3
    features = np.linspace(-1.5, 0.3, num=N * D).reshape(N, D)
    captions = (np.arange(N * T) % V).reshape(N, T)
    return dict(input_dim=D, wordvec_dim=W, hidden_dim=H), features, captions


EXPECTED_LOSS = 9.83235591003


def linspace_params(shapes):
    """Every parameter as linspace(-1.4, 1.3) of its size, in its shape."""
    return {k: np.linspace(-1.4, 1.3, num=int(np.prod(s))).reshape(s) for k, s in shapes.items()}


def gradient_check_inputs():
    """The captioning RNN, its gradient check: seed 231, batch 2, 3 steps, input 4,
    word vectors 5, hidden 6, V = 3."""
    rs = np.random.RandomState(231)
    N, D, W, H, T, V = 2, 4, 5, 6, 3, 3
    captions = rs.randint(V, size=(N, T))
    features = rs.randn(N, D)
    return dict(input_dim=D, wordvec_dim=W, hidden_dim=H), features, captions


STEP_FORWARD_EXPECTED = np.array(
    [[-0.5817208894, -0.5018203226, -0.4123277085, -0.314100984], [0.668546923,
    0.7956237812, 0.8775555281, 0.9279596661], [0.9793450054, 0.9914421288, 0.9964669105,
    0.9985435332]])
"""The step forward's expected next_h (the notebook prints -0.58172089 ... 0.99854353)."""

SEQUENCE_FORWARD_EXPECTED = np.array(
    [[[-0.4207074942, -0.2727926124, -0.110749452, 0.057404086, 0.222362507],
    [-0.3952580808, -0.2255466056, -0.0409453971, 0.1464941193, 0.3239731603],
    [-0.4230511116, -0.2422372755, -0.0428702695, 0.1599704463, 0.3501452527]],
    [[-0.5585747447, -0.3906582466, -0.1919818177, 0.0237840763, 0.2373567088],
    [-0.271501986, -0.0708880427, 0.1356293887, 0.3309972767, 0.5015876838], [-0.5101482462,
    -0.3052442859, -0.0675520165, 0.1780639206, 0.4033304299]]])
"""The forward over a sequence's expected h (N, T, H)."""


# ------------------------------------------------------------------ LSTM_Captioning (extra credit)
def lstm_step_forward_inputs():
    """LSTM: step forward: N, D, H = 3, 4, 5, linspace inputs
    (x, prev_h, prev_c, Wx, Wh, b)."""
    N, D, H = 3, 4, 5
    return (np.linspace(-0.4, 1.2, num=N * D).reshape(N, D),
            np.linspace(-0.3, 0.7, num=N * H).reshape(N, H),
            np.linspace(-0.4, 0.9, num=N * H).reshape(N, H),
            np.linspace(-2.1, 1.3, num=4 * D * H).reshape(D, 4 * H),
            np.linspace(-0.7, 2.2, num=4 * H * H).reshape(H, 4 * H),
            np.linspace(0.3, 0.7, num=4 * H))


LSTM_STEP_EXPECTED_H = np.array(
    [[0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
     [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.71591810],
     [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.85829900]])
LSTM_STEP_EXPECTED_C = np.array(
    [[0.32986176, 0.39145139, 0.45155600, 0.51014116, 0.56717407],
     [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
     [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676]])
"""The LSTM step forward's expected next_h and next_c, as the notebook prints them."""


def lstm_step_backward_inputs():
    """LSTM: step backward: seed 231, N, D, H = 4, 5, 6
    (x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c)."""
    rs = np.random.RandomState(231)
    N, D, H = 4, 5, 6
    return (rs.randn(N, D), rs.randn(N, H), rs.randn(N, H), rs.randn(D, 4 * H),
            rs.randn(H, 4 * H), rs.randn(4 * H), rs.randn(N, H), rs.randn(N, H))


def lstm_forward_inputs():
    """LSTM: forward over a sequence: N, D, H, T = 2, 5, 4, 3, linspace inputs
    (x, h0, Wx, Wh, b)."""
    N, D, H, T = 2, 5, 4, 3
    return (np.linspace(-0.4, 0.6, num=N * T * D).reshape(N, T, D),
            np.linspace(-0.4, 0.8, num=N * H).reshape(N, H),
            np.linspace(-0.2, 0.9, num=4 * D * H).reshape(D, 4 * H),
            np.linspace(-0.3, 0.6, num=4 * H * H).reshape(H, 4 * H),
            np.linspace(0.2, 0.7, num=4 * H))


LSTM_FORWARD_EXPECTED = np.array(
    [[[0.01764008, 0.01823233, 0.01882671, 0.01942320],
      [0.11287491, 0.12146228, 0.13018446, 0.13902939],
      [0.31358768, 0.33338627, 0.35304453, 0.37250975]],
     [[0.45767879, 0.47610920, 0.49368870, 0.51041945],
      [0.67048450, 0.69350089, 0.71486014, 0.73464490],
      [0.81733511, 0.83677871, 0.85403753, 0.86935314]]])
"""The LSTM forward over a sequence's expected h (N, T, H)."""


def lstm_backward_inputs():
    """LSTM: backward over a sequence: seed 231, N, D, T, H = 2, 3, 10, 6
    (x, h0, Wx, Wh, b, dh)."""
    rs = np.random.RandomState(231)
    N, D, T, H = 2, 3, 10, 6
    return (rs.randn(N, T, D), rs.randn(N, H), rs.randn(D, 4 * H), rs.randn(H, 4 * H),
            rs.randn(4 * H), rs.randn(N, T, H))


def lstm_captioning_loss_inputs():
    """The captioning model with an LSTM: as captioning_loss_inputs, but features
    linspace(-0.5, 1.7)."""
    sizes, _, captions = captioning_loss_inputs()
    features = np.linspace(-0.5, 1.7, num=10 * 20).reshape(10, 20)
    return sizes, features, captions


LSTM_EXPECTED_LOSS = 9.82445935443
