#!/usr/bin/env bash
# Download 25 ImageNet validation images with their labels (imagenet_val_25.npz, about
# 4 MB) into this folder:
#     cd cs231n/datasets && bash get_imagenet_val.sh
set -euo pipefail
cd "$(dirname "$0")"

URL="http://cs231n.stanford.edu/imagenet_val_25.npz"
FILE="imagenet_val_25.npz"

if [ -f "$FILE" ]; then
    echo "$FILE is already in $(pwd)"
    exit 0
fi

echo "Downloading $URL"
if command -v wget >/dev/null 2>&1; then
    wget -O "$FILE.part" "$URL"
else
    curl -fL -o "$FILE.part" "$URL"
fi
mv "$FILE.part" "$FILE"
echo "$FILE is ready in $(pwd)"
