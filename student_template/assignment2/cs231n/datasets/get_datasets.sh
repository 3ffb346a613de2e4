#!/usr/bin/env bash
# Download the CIFAR-10 python batches (about 163 MB) into this folder:
#     cd cs231n/datasets && bash get_datasets.sh
# Result: cs231n/datasets/cifar-10-batches-py/ (data_batch_1..5, test_batch, ...).
set -euo pipefail
cd "$(dirname "$0")"

URL="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE="cifar-10-python.tar.gz"
MD5="c58f30108f718f92721af3b95e74349a"

if [ -f cifar-10-batches-py/data_batch_1 ] && [ -f cifar-10-batches-py/test_batch ]; then
    echo "CIFAR-10 is already in $(pwd)/cifar-10-batches-py"
    exit 0
fi

echo "Downloading $URL"
if command -v wget >/dev/null 2>&1; then
    wget -O "$ARCHIVE" "$URL"
else
    curl -fL -o "$ARCHIVE" "$URL"
fi

if command -v md5sum >/dev/null 2>&1; then
    echo "$MD5  $ARCHIVE" | md5sum -c -
fi

tar -xzf "$ARCHIVE"
rm -f "$ARCHIVE"
echo "CIFAR-10 is ready in $(pwd)/cifar-10-batches-py"
