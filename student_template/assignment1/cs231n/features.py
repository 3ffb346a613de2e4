"""Image features: a histogram of oriented gradients (HOG) and a hue histogram.

These are given: the features notebook trains classifiers on their output instead
of on raw pixels.
"""

import matplotlib.colors
import numpy as np
from scipy.ndimage import uniform_filter


def extract_features(imgs, feature_fns, verbose=False):
    """Apply several feature functions to every image and stack the results.

    Inputs:
    - imgs: images, shape (N, H, W, C) (or (N, H, W))
    - feature_fns: list of k functions; each takes one image (H, W, C) and
      returns a one-dimensional feature vector of a fixed length F_j
    - verbose: print progress every 1000 images

    Returns:
    - imgs_features: shape (N, F_1 + ... + F_k); row i holds the features of
      image i, those of feature_fns[0] first. An empty array when N is 0.
    """
    num_images = imgs.shape[0]
    if num_images == 0:
        return np.array([])

    # The first image tells the length of each function's features.
    first = [np.asarray(fn(imgs[0].squeeze())) for fn in feature_fns]
    for feats in first:
        assert feats.ndim == 1, "Feature functions must be one-dimensional"
    bounds = np.cumsum([0] + [feats.size for feats in first])

    imgs_features = np.zeros((num_images, bounds[-1]))
    imgs_features[0] = np.concatenate(first)
    for i in range(1, num_images):
        image = imgs[i].squeeze()
        for j, fn in enumerate(feature_fns):
            imgs_features[i, bounds[j]:bounds[j + 1]] = fn(image)
        if verbose and (i + 1) % 1000 == 0:
            print("Done extracting features for %d / %d images" % (i + 1, num_images))

    return imgs_features


def rgb2gray(rgb):
    """Convert an RGB image to grayscale.

    The weights are 0.299, 0.587 and 0.144 (the last one differs from the usual
    0.114; features computed elsewhere must use the same value to agree).

    Inputs:
    - rgb: image, shape (H, W, 3) (extra channels are ignored)

    Returns:
    - gray: image, shape (H, W)
    """
    return np.dot(rgb[..., :3], [0.299, 0.587, 0.144])


def hog_feature(im):
    """Histogram of oriented gradients (HOG) of an image.

    The image (converted to gray if it has colour channels) gets forward-difference
    gradients (zero in the last row and column). Orientations, in degrees,
    are atan2(gy, gx) + 90; a pixel with an orientation strictly between 0 and 180
    adds its gradient magnitude to one of 9 bins of 20 degrees. The bins are
    averaged over cells of 8 x 8 pixels.

    Inputs:
    - im: image, shape (H, W) or (H, W, C), H and W multiples of 8 in practice

    Returns:
    - feat: shape (H // 8 * W // 8 * 9,), 144 for a 32 x 32 image; the
      orientation bin varies fastest, then the cell row, then the cell column

    Reference: N. Dalal and B. Triggs, Histograms of Oriented Gradients for Human
    Detection, CVPR 2005.
    """
    image = rgb2gray(im) if im.ndim == 3 else np.atleast_2d(im)
    height, width = image.shape
    num_bins = 9
    cell = 8
    bin_width = 180 / num_bins

    gx = np.zeros(image.shape)
    gy = np.zeros(image.shape)
    gx[:, :-1] = image[:, 1:] - image[:, :-1]
    gy[:-1, :] = image[1:, :] - image[:-1, :]
    magnitude = np.sqrt(gx**2 + gy**2)
    orientation = np.arctan2(gy, gx + 1e-15) * (180 / np.pi) + 90

    rows, cols = height // cell, width // cell
    feat = np.zeros((cols, rows, num_bins))
    for b in range(num_bins):
        in_bin = ((orientation >= bin_width * b) & (orientation < bin_width * (b + 1))
                  & (orientation > 0))
        # A uniform filter of width 8 averages the window [k - 4, k + 3]; read at
        # k = 4, 12, 20, ... these windows are exactly the cells.
        smoothed = uniform_filter(np.where(in_bin, magnitude, 0), size=(cell, cell))
        centres = smoothed[cell // 2::cell, cell // 2::cell][:rows, :cols]
        feat[:, :, b] = centres.T

    return feat.ravel()


def color_histogram_hsv(im, nbin=10, xmin=0, xmax=255, normalized=True):
    """Histogram of the hue of an image.

    Inputs:
    - im: RGB image, shape (H, W, 3), values in [xmin, xmax]
    - nbin: number of equal bins between xmin and xmax
    - xmin, xmax: range of the values; hue (in [0, 1]) is scaled to [0, xmax]
    - normalized: when True the bins hold fractions of the pixels (summing to 1);
      when False, pixel counts times the bin width

    Returns:
    - imhist: shape (nbin,)
    """
    edges = np.linspace(xmin, xmax, nbin + 1)
    hue = matplotlib.colors.rgb_to_hsv(im / xmax)[..., 0] * xmax
    density, edges = np.histogram(hue, bins=edges, density=normalized)
    return density * np.diff(edges)


###############################################################################
# Optional: your own feature functions. Each takes one image (H, W, C) and    #
# returns a one-dimensional feature vector, so extract_features can use it.   #
###############################################################################
# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
pass
# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
###############################################################################
#                               END OF YOUR CODE                              #
###############################################################################
