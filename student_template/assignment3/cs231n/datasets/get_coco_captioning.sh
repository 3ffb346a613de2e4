#!/usr/bin/env bash
# Download the COCO 2014 captioning features (one zip of about 1 GB) into this folder:
#     cd cs231n/datasets && bash get_coco_captioning.sh
# Result: cs231n/datasets/coco_captioning/ with coco2014_captions.h5, coco2014_vocab.json,
# train2014_urls.txt, val2014_urls.txt and the VGG-16 fc7 features (*_vgg16_fc7*.h5).
set -euo pipefail
cd "$(dirname "$0")"

URL="http://cs231n.stanford.edu/coco_captioning.zip"
ARCHIVE="coco_captioning.zip"
NEEDED="coco2014_captions.h5 coco2014_vocab.json train2014_urls.txt val2014_urls.txt
        train2014_vgg16_fc7_pca.h5 val2014_vgg16_fc7_pca.h5"

complete() {
    for name in $NEEDED; do
        [ -f "coco_captioning/$name" ] || return 1
    done
}

if complete; then
    echo "The COCO captioning data is already in $(pwd)/coco_captioning"
    exit 0
fi

echo "Downloading $URL"
if command -v wget >/dev/null 2>&1; then
    wget -O "$ARCHIVE" "$URL"
else
    curl -fL -o "$ARCHIVE" "$URL"
fi

if command -v unzip >/dev/null 2>&1; then
    unzip -o -q "$ARCHIVE"
else
    python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall('.')" "$ARCHIVE"
fi
rm -f "$ARCHIVE"

if ! complete; then
    echo "The archive did not contain every expected file of coco_captioning/" >&2
    exit 1
fi
echo "The COCO captioning data is ready in $(pwd)/coco_captioning"
