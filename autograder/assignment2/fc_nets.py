"""The fully connected net in the sandbox, its twin from the reference, and the net the
architecture gives when it is built from other layers.

The student's net is built in the sandbox, then given the same parameters as a
reference net in the controller, so that scores, losses and gradients can be compared
exactly. :func:`run_net` computes

    {affine - [norm] - relu} x (L - 1) - affine - softmax

from a set of layer functions: the reference's (with a known bug of the net, for the
predictions that name it) or the student's own, called in the sandbox. A net that
computes exactly what its author's layers give is wired right: a layer bug is charged in
that layer's checks, not again in the net's.
"""

import copy
import functools

import numpy as np

from checklib import call, model
from gradekit.checklib import (Elsewhere, array, check_number, diagnose, fail, implemented,
                               largest_differences, outputs, scalar, scale_of, scaled_error,
                               verdict)

D, H, C = 15, [20, 30], 10   # the notebook's gradient-check sizes

# Where each layer function is charged (the checks of the layer itself), as the check
# numbers their grade marks give.
_LAYER_CHECK_FUNCTIONS = {
    "affine_forward": "test_prerequisites.py::test_affine",
    "affine_backward": "test_prerequisites.py::test_affine",
    "relu_forward": "test_prerequisites.py::test_relu",
    "relu_backward": "test_prerequisites.py::test_relu",
    "softmax_loss": "test_prerequisites.py::test_softmax_loss",
    "batchnorm_forward (train)": "test_batchnorm_forward.py::test_batchnorm_train_forward",
    "batchnorm_forward (test)": "test_batchnorm_forward.py::test_batchnorm_test_mode",
    "batchnorm_backward": "test_batchnorm_backward.py::test_batchnorm_backward",
    "batchnorm_backward_alt": "test_batchnorm_backward.py::test_batchnorm_backward_alt",
    "layernorm_forward": "test_layernorm.py::test_layernorm_forward",
    "layernorm_backward": "test_layernorm.py::test_layernorm_backward",
}
LAYER_CHECKS = {layer: check_number(check) for layer, check in _LAYER_CHECK_FUNCTIONS.items()}


def random_params(rng, normalization, last=False, hidden=H):
    """Parameters with non-trivial biases, gammas and betas (``last``: also for the last
    layer, for a net that normalizes it) of a net with ``hidden`` layer sizes."""
    dims = [D, *hidden, C]
    params = {}
    for k in range(1, len(dims)):
        params[f"W{k}"] = rng.standard_normal((dims[k - 1], dims[k])) / np.sqrt(dims[k - 1])
        params[f"b{k}"] = 0.1 * rng.standard_normal(dims[k])
        if normalization and (k < len(dims) - 1 or last):
            params[f"gamma{k}"] = rng.uniform(0.5, 1.5, dims[k])
            params[f"beta{k}"] = 0.2 * rng.standard_normal(dims[k])
    return params


class Twins:
    """The student's net (a Remote) and the reference's, with the same parameters.

    ``last_normalized`` is True when the student's net has gamma/beta for its last layer
    (spec §7's bug): it then gets them too (ones and zeros), so that it runs, and its
    results can be told apart by the prediction of that bug. ``hidden``: the hidden layer
    sizes (default: the notebook's).
    """

    def __init__(self, student, reference, rng, hidden=H, **options):
        fc = reference.module("cs231n.classifiers.fc_net")
        self.student, self.options, self.hidden = student, options, list(hidden)
        self.normalization = options.get("normalization")
        self.layers = reference.module("cs231n.layers")
        self.theirs = model(student, hidden, input_dim=D, num_classes=C, dtype="float64",
                            **options)
        built = student.getattr(self.theirs, "params")
        L = len(hidden) + 1
        self.last_normalized = bool(self.normalization) and isinstance(built, dict) and \
            {f"gamma{L}", f"beta{L}"} <= set(built)
        self.params = random_params(rng, self.normalization, hidden=hidden)
        self.ours = fc.FullyConnectedNet(list(hidden), input_dim=D, num_classes=C,
                                         dtype=np.float64,
                                         **options)
        self.ours.params = copy.deepcopy(self.params)
        given = dict(self.params)
        if self.last_normalized:
            given[f"gamma{L}"], given[f"beta{L}"] = np.ones(C), np.zeros(C)
        student.setattr(self.theirs, "params", given)
        self.given = given

    EXTRA_BN = {"mode": "train", "running_mean": np.zeros(C), "running_var": np.ones(C)}

    def set_bn_params(self, bn_params):
        """Give both nets these batchnorm statistics (one more dict, neutral, to a student
        net that normalizes its last layer)."""
        self.ours.bn_params = copy.deepcopy(bn_params)
        self.student.setattr(self.theirs, "bn_params", self.bn_params("train", bn_params,
                                                                      self.last_normalized))

    def bn_params(self, mode, bn_params=None, last=False):
        """Fresh per-layer parameter dicts as the net keeps them (or copies of given ones),
        with one more for a normalized last layer when ``last``."""
        if bn_params is not None:
            fresh = copy.deepcopy(bn_params)
            return fresh + [copy.deepcopy(self.EXTRA_BN)] if last else fresh
        if self.normalization == "batchnorm":
            return [{"mode": mode} for _ in range(len(self.hidden) + last)]
        return [{} for _ in range(len(self.hidden) + last)]

    # -- predictions
    def reference_with(self, X, y=None, bn_params=None, **bug):
        """What the reference layers give with a bug of the net (``bug`` of run_net)."""
        params = dict(self.given if bug.get("norm_last") else self.params)
        return run_net(ReferenceOps(self.layers), params, X, y,
                       normalization=self.normalization, reg=self.options.get("reg", 0.0),
                       bn_params=self.bn_params("test" if y is None else "train", bn_params,
                                                bool(bug.get("norm_last"))),
                       **bug)

    def with_their_layers(self, X, y=None, bn_params=None):
        """Elsewhere: the net built from the student's own layers (charged in their checks).

        Tries the staged batchnorm backward, then the alt, for the gradients.
        """
        found = {}

        def prediction(alt):
            ops = StudentOps(self.student, self.layers, alt=alt)
            value = run_net(ops, self.given, X, y, normalization=self.normalization,
                            reg=self.options.get("reg", 0.0),
                            bn_params=self.bn_params("test" if y is None else "train",
                                                     bn_params, self.last_normalized),
                            norm_last=self.last_normalized)
            found["differs"] = ops.differs
            return value if ops.differs and _real(value) else None

        def charged_in():
            names = sorted(found.get("differs", ()))
            numbers = sorted({LAYER_CHECKS[n] for n in names})
            return f"{', '.join(numbers)} ({', '.join(names)})"

        label = ("a net that computes exactly what the architecture gives with your own "
                 "layers, some of which differ from the expected ones")
        return [Elsewhere(label, lambda: prediction(False), charged_in),
                Elsewhere(label, lambda: prediction(True), charged_in)]


def _real(value) -> bool:
    """Scores that vary, or a positive loss with some non-zero gradient: what a net built
    from layers that do something gives (layers that return constants excuse nothing)."""
    if isinstance(value, tuple):
        loss, grads = value
        return loss > 0 and any(np.any(np.asarray(g) != 0) for g in grads.values())
    return implemented(value)


class ReferenceOps:
    """The reference's layer functions, in the controller."""

    def __init__(self, layers):
        self.layers = layers

    def __getattr__(self, name):
        return getattr(self.layers, name)

    def norm_forward(self, kind, x, gamma, beta, param):
        out, cache = getattr(self.layers, f"{kind}_forward")(x, gamma, beta, param)
        return out, cache, param

    def norm_backward(self, kind, dout, cache):
        return getattr(self.layers, f"{kind}_backward")(dout, cache)


class StudentOps:
    """The student's layer functions, called in the sandbox. Each call is also made with
    the reference on the same inputs; ``differs`` names the layers whose results differ."""

    def __init__(self, student, layers, alt=False):
        self.student, self.layers, self.alt = student, layers, alt
        self.differs: set[str] = set()

    def _call(self, name, labels, args, shapes, ref, what=None):
        value = call(self.student, name, *args).value
        got = outputs(value, name, labels)
        arrays = [array(g, f"{name} {label}", shape, reshape=True) if shape else g
                  for g, label, shape in zip(got, labels, shapes)]
        want = ref if isinstance(ref, tuple) else (ref,)
        for g, w, shape in zip(arrays, want, shapes):
            if shape and scaled_error(g, w) > 1e-9:
                self.differs.add(what or name)
        return arrays

    def affine_forward(self, x, w, b):
        ref_out, ref_cache = self.layers.affine_forward(x, w, b)
        out, cache = self._call("affine_forward", ("out", "cache"), (x, w, b),
                                (ref_out.shape, None), (ref_out, None))
        return out, (cache, ref_cache)

    def affine_backward(self, dout, cache):
        theirs, ref_cache = cache
        want = self.layers.affine_backward(dout, ref_cache)
        return tuple(self._call("affine_backward", ("dx", "dw", "db"), (dout, theirs),
                                [w.shape for w in want], want))

    def relu_forward(self, x):
        ref_out, ref_cache = self.layers.relu_forward(x)
        out, cache = self._call("relu_forward", ("out", "cache"), (x,),
                                (ref_out.shape, None), (ref_out, None))
        return out, (cache, ref_cache)

    def relu_backward(self, dout, cache):
        theirs, ref_cache = cache
        want = self.layers.relu_backward(dout, ref_cache)
        return self._call("relu_backward", ("dx",), (dout, theirs), (want.shape,), want)[0]

    def softmax_loss(self, x, y):
        want = self.layers.softmax_loss(x, y)
        got = outputs(call(self.student, "softmax_loss", x, y).value, "softmax_loss",
                      ("loss", "dx"))
        loss = scalar(got[0], "softmax_loss loss")
        dx = array(got[1], "softmax_loss dx", x.shape)
        if abs(loss - want[0]) > 1e-9 * max(1.0, abs(want[0])) or \
                scaled_error(dx, want[1]) > 1e-9:
            self.differs.add("softmax_loss")
        return loss, dx

    def norm_forward(self, kind, x, gamma, beta, param):
        ref_param = copy.deepcopy(param)
        ref_out, ref_cache = getattr(self.layers, f"{kind}_forward")(x, gamma, beta, ref_param)
        what = kind + "_forward" + (f" ({param.get('mode')})" if kind == "batchnorm" else "")
        result = call(self.student, f"{kind}_forward", x, gamma, beta, param)
        out, cache = outputs(result.value, f"{kind}_forward", ("out", "cache"),
                             allow_none=("cache",))
        out = array(out, f"{kind}_forward out", x.shape)
        if scaled_error(out, ref_out) > 1e-9:
            self.differs.add(what)
        after = result.args[3] if isinstance(result.args[3], dict) else param
        return out, (cache, ref_cache), after

    def norm_backward(self, kind, dout, cache):
        theirs, ref_cache = cache
        name = f"{kind}_backward" + ("_alt" if self.alt and kind == "batchnorm" else "")
        want = getattr(self.layers, f"{kind}_backward")(dout, ref_cache)
        return tuple(self._call(name, ("dx", "dgamma", "dbeta"), (dout, theirs),
                                [w.shape for w in want], want))


def run_net(ops, params, X, y=None, *, normalization=None, bn_params=None, reg=0.0,
            relu_scores=False, norm_last=False, fresh_test=False):
    """Scores (y None) or (loss, grads) of the architecture built from ``ops``.

    The bugs of the net itself that predictions need: ``relu_scores`` (a ReLU on the
    scores), ``norm_last`` (the last affine layer normalized too), ``fresh_test`` (test
    mode with fresh ``{'mode': 'test'}`` dicts instead of the stored statistics).
    """
    L = sum(1 for name in params if name.startswith("W"))
    mode = "test" if y is None else "train"
    params = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    bn_params = list(bn_params or [])
    if normalization == "batchnorm":
        if fresh_test and mode == "test":
            bn_params = [{"mode": "test"} for _ in bn_params]
        for param in bn_params:
            param["mode"] = mode
    if norm_last and len(bn_params) < L:
        bn_params.append({"mode": mode} if normalization == "batchnorm" else {})
    bn_params += [{} for _ in range(L - len(bn_params))]
    h = np.asarray(X, dtype=float).reshape(len(X), -1)
    caches = []
    for k in range(1, L + 1):
        a, affine_cache = ops.affine_forward(h, params[f"W{k}"], params[f"b{k}"])
        norm_cache = relu_cache = None
        if normalization and (k < L or norm_last):
            a, norm_cache, bn_params[k - 1] = ops.norm_forward(
                normalization, a, params[f"gamma{k}"], params[f"beta{k}"], bn_params[k - 1])
        if k < L or relu_scores:
            a, relu_cache = ops.relu_forward(a)
        caches.append((affine_cache, norm_cache, relu_cache))
        h = a
    scores = h
    if y is None:
        return scores
    loss, dh = ops.softmax_loss(scores, y)
    grads = {}
    for k in range(L, 0, -1):
        affine_cache, norm_cache, relu_cache = caches[k - 1]
        if relu_cache is not None:
            dh = ops.relu_backward(dh, relu_cache)
        if norm_cache is not None:
            dh, grads[f"gamma{k}"], grads[f"beta{k}"] = ops.norm_backward(
                normalization, dh, norm_cache)
        dh, grads[f"W{k}"], grads[f"b{k}"] = ops.affine_backward(dh, affine_cache)
    for k in range(1, L + 1):
        w = params[f"W{k}"]
        loss += 0.5 * reg * float(np.sum(w * w))
        grads[f"W{k}"] = grads[f"W{k}"] + reg * w
    return loss, grads


def compare_grads(label, got, want, tol, *, whole=(), hints=lambda name: ()):
    """Compare a grads dict with the expected one, every array against a floor scaled to
    the largest expected gradient (a bias feeding a normalization has a gradient of zero,
    held as rounding noise); values of the right size are compared after reshaping.

    ``whole`` holds hypotheses about the whole dict: ``(label, thunk)`` or
    :class:`Elsewhere` items whose prediction is a grads dict (or None).
    """
    missing = sorted(set(want) - set(got))
    if missing:
        fail(f"grads ({label}) has no entry for {', '.join(missing)}.")
    floor = 1e-3 * scale_of(*want.values())
    theirs = {name: array(got[name], f"grads[{name!r}]", want[name].shape, reshape=True)
              for name in want}
    errors = {name: scaled_error(theirs[name], want[name], floor) for name in want}
    bad = sorted(name for name, err in errors.items() if err > tol)
    if not bad:
        return

    def matches(predicted):
        return predicted is not None and all(
            scaled_error(theirs[n], np.asarray(predicted[n], float).reshape(want[n].shape),
                         floor) <= max(tol, 1e-6) for n in want)

    lines, elsewhere = [], []
    for name in bad:
        line = (f"grads[{name!r}] ({label}): max rel error {errors[name]:.1e}; expected "
                f"{tol:.0e} or less.\n" + largest_differences(theirs[name], want[name], 3))
        hint = diagnose(theirs[name], hints(name),
                        functools.partial(scaled_error, floor=floor), max(tol, 1e-6))
        if isinstance(hint, Elsewhere):  # a bug another check charges
            elsewhere.append(hint)
            lines.append(line)
        else:
            lines.append(line + (f"\nThis looks like: {hint}." if hint else ""))
    message = "\n".join(lines)
    if elsewhere and len(elsewhere) == len(bad):
        raise verdict(message, elsewhere[0])
    if elsewhere:
        notes = {e.label: e.where() for e in elsewhere}
        message += "".join(f"\n(Also: {label}, charged in check {where}.)"
                           for label, where in notes.items())
    for hypothesis in whole:
        thunk = hypothesis.prediction if isinstance(hypothesis, Elsewhere) else hypothesis[1]
        try:
            predicted = thunk()
        except Exception:  # noqa: BLE001 - a prediction that needs student code which failed
            continue
        if matches(predicted):
            raise verdict(message, hypothesis if isinstance(hypothesis, Elsewhere)
                          else hypothesis[0])
    raise verdict(message, None)


def student_loss(student, net, X, y):
    what = "model.loss(X, y)"
    loss, grads = outputs(call(student, (net, "loss"), X, y).value, what, ("loss", "grads"))
    if not isinstance(grads, dict):
        fail(f"{what}: grads should be a dict; it is a {type(grads).__name__}.")
    return scalar(loss, f"{what} loss"), grads


def their_layers_explain(student, ref_layers, params, X, y, grads, *, normalization, reg):
    """Where the bugs are charged when ``grads`` (of the student's net with ``params``) are
    exactly what the architecture gives from the student's own layers and some of those
    layers differ from the reference's: "2.2, 3.2 (batchnorm_forward (train), ...)". None
    when the net's gradients are not that (the net itself is wrong) or the layers are right.

    For a notebook's gradient-check cell of the net (5.1) in the grade: a forward bug of a
    layer shows there as gradients that disagree with the loss, and is charged in that
    layer's checks, not in the cell's.
    """
    hidden = sum(1 for name in params if name.startswith("W")) - 1
    for alt in (False, True):
        ops = StudentOps(student, ref_layers, alt=alt)
        bn_params = ([{"mode": "train"} for _ in range(hidden)]
                     if normalization == "batchnorm" else [{} for _ in range(hidden)])
        try:
            _, predicted = run_net(ops, params, X, y, normalization=normalization,
                                   bn_params=bn_params, reg=reg)
        except Exception:  # noqa: BLE001 - a layer that fails explains nothing
            continue
        if not isinstance(grads, dict) or set(predicted) - set(grads):
            continue
        floor = 1e-3 * scale_of(*predicted.values())
        try:
            same = all(scaled_error(np.asarray(grads[n], float).reshape(predicted[n].shape),
                                    predicted[n], floor) <= 1e-6 for n in predicted)
        except ValueError:
            same = False
        if not same:
            continue
        differs = set(ops.differs)
        if not differs:
            # The net is wired right; the cell's parameters (gamma 1, beta 0) may hide a
            # layer's bug (gamma and beta ignored): the same layers with other values.
            probe = StudentOps(student, ref_layers, alt=alt)
            rng = np.random.default_rng(0)
            values = {k: (rng.uniform(0.5, 1.5, np.shape(v)) if k.startswith("gamma") else
                          0.3 * rng.standard_normal(np.shape(v)) if k.startswith(("b", "beta"))
                          else v) for k, v in params.items()}
            try:
                run_net(probe, values, X, y, normalization=normalization,
                        bn_params=[dict(p) for p in bn_params], reg=reg)
            except Exception:  # noqa: BLE001 - as above
                pass
            differs = set(probe.differs)
        if differs:
            names = sorted(differs)
            return f"{', '.join(sorted({LAYER_CHECKS[n] for n in names}))} ({', '.join(names)})"
    return None
