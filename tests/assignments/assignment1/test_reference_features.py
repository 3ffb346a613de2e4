"""Assignment 1 reference: the given feature extractors (COURSE_SPEC A1.1, A1.2
"Features", and features.ipynb in A1.3)."""

import colorsys

import numpy as np
import pytest

pytest.importorskip("scipy")
pytest.importorskip("matplotlib")

from .reference_helpers import ref  # noqa: E402

features = ref("features")


def _image(seed=0, size=32):
    return np.random.default_rng(seed).integers(0, 256, size=(size, size, 3)).astype(np.float64)


def _hog_by_definition(im):
    """HOG as the spec describes it, with plain loops and no scipy."""
    gray = 0.299 * im[..., 0] + 0.587 * im[..., 1] + 0.144 * im[..., 2]
    gx = np.zeros_like(gray)
    gy = np.zeros_like(gray)
    gx[:, :-1] = gray[:, 1:] - gray[:, :-1]
    gy[:-1, :] = gray[1:, :] - gray[:-1, :]
    mag = np.hypot(gx, gy)
    ori = np.degrees(np.arctan2(gy, gx + 1e-15)) + 90
    cells = gray.shape[0] // 8
    out = []
    for cell_col in range(cells):
        for cell_row in range(cells):
            block = (slice(8 * cell_row, 8 * cell_row + 8), slice(8 * cell_col, 8 * cell_col + 8))
            for b in range(9):
                o = ori[block]
                keep = (o >= 20 * b) & (o < 20 * (b + 1)) & (o > 0)
                out.append(np.where(keep, mag[block], 0).mean())
    return np.array(out)


def test_rgb2gray_uses_the_kits_weights():
    im = np.zeros((2, 2, 3))
    im[0, 0] = [100, 0, 0]
    im[0, 1] = [0, 100, 0]
    im[1, 0] = [0, 0, 100]
    im[1, 1] = [10, 20, 30]
    gray = features.rgb2gray(im)
    assert gray.shape == (2, 2)
    np.testing.assert_allclose(gray, [[29.9, 58.7], [14.4, 2.99 + 11.74 + 4.32]])


def test_hog_feature_has_144_values_and_matches_its_definition():
    for seed in range(3):
        im = _image(seed)
        feat = features.hog_feature(im)
        assert feat.shape == (144,)
        np.testing.assert_allclose(feat, _hog_by_definition(im), rtol=1e-12, atol=1e-12)


def test_hog_feature_of_a_horizontal_ramp_fills_the_90_degree_bin():
    # brightness grows along the columns: gx > 0, gy = 0 -> orientation 90, bin 4
    ramp = np.tile(np.arange(32.0), (32, 1))
    feat = features.hog_feature(ramp).reshape(4, 4, 9)
    assert np.all(feat[..., 4] > 0)
    np.testing.assert_array_equal(np.delete(feat, 4, axis=2), 0)
    # the last cell column loses its last pixel column (no forward difference)
    np.testing.assert_allclose(feat[:3, :, 4], 1.0)
    np.testing.assert_allclose(feat[3, :, 4], 7 / 8)
    # the falling ramp points to 270 degrees, outside [0, 180): counted nowhere
    np.testing.assert_array_equal(features.hog_feature(ramp[:, ::-1]), 0)


def test_hog_feature_accepts_gray_images():
    im = _image(4)
    np.testing.assert_allclose(features.hog_feature(features.rgb2gray(im)),
                               features.hog_feature(im), rtol=1e-12)


def _hue_hist_by_definition(im, nbin):
    hues = np.array([colorsys.rgb_to_hsv(*(px / 255))[0] * 255 for px in im.reshape(-1, 3)])
    idx = np.minimum((hues / (255 / nbin)).astype(int), nbin - 1)
    return np.bincount(idx, minlength=nbin) / hues.size


@pytest.mark.parametrize("nbin", [10, 25])
def test_color_histogram_hsv_is_the_hue_distribution(nbin):
    im = _image(5, size=16)
    hist = features.color_histogram_hsv(im, nbin=nbin)
    assert hist.shape == (nbin,)
    assert hist.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(hist, _hue_hist_by_definition(im, nbin), atol=1e-12)


def test_color_histogram_hsv_of_plain_colours():
    red = np.zeros((4, 4, 3))
    red[..., 0] = 200
    green = np.zeros((4, 4, 3))
    green[..., 1] = 200
    np.testing.assert_allclose(features.color_histogram_hsv(red), np.eye(10)[0])
    # hue 1/3 -> 85 on the 0..255 scale -> bin 3 of [0, 25.5, 51, 76.5, 102, ...]
    np.testing.assert_allclose(features.color_histogram_hsv(green), np.eye(10)[3])
    # not normalized: counts times the bin width 25.5
    np.testing.assert_allclose(features.color_histogram_hsv(red, normalized=False),
                               16 * 25.5 * np.eye(10)[0])


def test_extract_features_stacks_the_notebooks_features():
    imgs = np.stack([_image(s) for s in range(4)])
    fns = [features.hog_feature, lambda img: features.color_histogram_hsv(img, nbin=10)]
    feats = features.extract_features(imgs, fns)
    assert feats.shape == (4, 154)  # 155 once the notebook appends its bias column
    for i in range(4):
        np.testing.assert_allclose(feats[i, :144], features.hog_feature(imgs[i]))
        np.testing.assert_allclose(feats[i, 144:], features.color_histogram_hsv(imgs[i]))


def test_extract_features_reports_progress_every_1000_images(capsys):
    imgs = np.arange(2001 * 12, dtype=np.float64).reshape(2001, 2, 2, 3)
    feats = features.extract_features(imgs, [lambda img: img.mean(axis=(0, 1))], verbose=True)
    assert feats.shape == (2001, 3)
    np.testing.assert_allclose(feats, imgs.mean(axis=(1, 2)))
    assert capsys.readouterr().out.splitlines() == [
        "Done extracting features for 1000 / 2001 images",
        "Done extracting features for 2000 / 2001 images",
    ]


def test_extract_features_of_no_images_is_empty():
    assert features.extract_features(np.zeros((0, 32, 32, 3)), [features.hog_feature]).size == 0
