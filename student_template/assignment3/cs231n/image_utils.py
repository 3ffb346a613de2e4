"""Small image helpers (given): fetching an image by URL, loading from disk,
normalizing for ImageNet-trained networks, and a mild blur.

Images are numpy arrays of shape (H, W, 3), uint8 unless said otherwise.
"""

import io
import urllib.error
import urllib.request

import numpy as np

# Per-channel statistics of ImageNet images scaled to [0, 1].
SQUEEZENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
SQUEEZENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

# Seconds to wait for an image server before giving up.
URL_TIMEOUT = 10


def blur_image(X):
    """Blur a minibatch of images slightly (each channel on its own).

    Inputs:
    - X: images, shape (N, C, H, W)

    Returns:
    - blurred images, shape (N, C, H, W); borders are padded with zeros
    """
    kernel = np.array([[1.0, 3.0, 1.0], [3.0, 84.0, 3.0], [1.0, 3.0, 1.0]])
    kernel /= kernel.sum()
    N, C, H, W = X.shape
    padded = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros(X.shape, dtype=np.result_type(X, kernel))
    for di in range(3):
        for dj in range(3):
            out += kernel[di, dj] * padded[:, :, di:di + H, dj:dj + W]
    return out


def preprocess_image(img):
    """Scale an image to [0, 1] and normalize it with the ImageNet statistics.

    Inputs:
    - img: shape (H, W, 3), values in [0, 255]

    Returns:
    - float32 array of shape (H, W, 3)
    """
    return (img.astype(np.float32) / 255.0 - SQUEEZENET_MEAN) / SQUEEZENET_STD


def deprocess_image(img, rescale=False):
    """Undo preprocess_image.

    Inputs:
    - img: normalized image, shape (H, W, 3)
    - rescale: stretch the values to the full [0, 255] range first

    Returns:
    - uint8 array of shape (H, W, 3)
    """
    img = img * SQUEEZENET_STD + SQUEEZENET_MEAN
    if rescale:
        low, high = img.min(), img.max()
        img = (img - low) / (high - low)
    return np.clip(255 * img, 0.0, 255.0).astype(np.uint8)


def _decode(raw):
    """An image file's bytes as a uint8 array (H, W, 3) (or (H, W) for gray)."""
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as picture:
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        return np.asarray(picture, dtype=np.uint8).copy()


def image_from_url(url):
    """Download an image.

    Needs the network. Any failure (bad or unknown URL, HTTP error, no
    connection, timeout, unreadable file) is printed and gives None, so the
    caller can skip the image.

    Inputs:
    - url: the image's URL

    Returns:
    - the image as a uint8 array of shape (H, W, 3), or None
    """
    try:
        with urllib.request.urlopen(url, timeout=URL_TIMEOUT) as response:
            raw = response.read()
        return _decode(raw)
    except urllib.error.HTTPError as e:
        print("HTTP Error: ", e.code, url)
    except urllib.error.URLError as e:
        print("URL Error: ", e.reason, url)
    except (ValueError, OSError) as e:
        print("Image Error: ", e, url)
    return None


def load_image(filename, size=None):
    """Load an image file from disk.

    Inputs:
    - filename: path of the image
    - size: when given, resize so that the shorter side has this many pixels

    Returns:
    - uint8 array of shape (H, W, 3) (or (H, W) for a gray image)
    """
    from PIL import Image

    with Image.open(filename) as picture:
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        if size is not None:
            width, height = picture.size
            scale = float(size) / min(width, height)
            picture = picture.resize((int(width * scale), int(height * scale)))
        return np.asarray(picture, dtype=np.uint8).copy()
