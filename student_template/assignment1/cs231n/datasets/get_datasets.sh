#!/usr/bin/env bash
# Download the data of assignment 1 into this folder:
#     cd cs231n/datasets && bash get_datasets.sh
# Result: cs231n/datasets/cifar-10-batches-py/ (data_batch_1..5, test_batch,
# batches.meta; about 163 MB), and imagenet_val_25.npz, which assignment 1 does
# not use (a failed download of it is only reported).
set -euo pipefail
cd "$(dirname "$0")"

URL="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE="cifar-10-python.tar.gz"
MD5="c58f30108f718f92721af3b95e74349a"
IMAGENET_URL="http://cs231n.stanford.edu/imagenet_val_25.npz"

fetch() {  # fetch URL FILE
    if command -v wget >/dev/null 2>&1; then
        wget -O "$2" "$1"
    else
        curl -fL -o "$2" "$1"
    fi
}

if [ -f cifar-10-batches-py/data_batch_1 ] && [ -f cifar-10-batches-py/test_batch ]; then
    echo "CIFAR-10 is already in $(pwd)/cifar-10-batches-py"
else
    echo "Downloading $URL"
    fetch "$URL" "$ARCHIVE"
    if command -v md5sum >/dev/null 2>&1; then
        echo "$MD5  $ARCHIVE" | md5sum -c -
    fi
    tar -xzf "$ARCHIVE"
    rm -f "$ARCHIVE"
    echo "CIFAR-10 is ready in $(pwd)/cifar-10-batches-py"
fi

if [ ! -f imagenet_val_25.npz ]; then
    echo "Downloading $IMAGENET_URL (not needed for assignment 1)"
    if ! fetch "$IMAGENET_URL" imagenet_val_25.npz.part; then
        rm -f imagenet_val_25.npz.part
        echo "Could not download imagenet_val_25.npz; assignment 1 works without it" >&2
    else
        mv imagenet_val_25.npz.part imagenet_val_25.npz
    fi
fi
