#!/usr/bin/env bash
# Download every data set of this assignment into this folder:
#     cd cs231n/datasets && bash get_datasets.sh
# - coco_captioning/      COCO 2014 captions, VGG-16 features and image URLs (get_coco_captioning.sh)
# - imagenet_val_25.npz   25 ImageNet validation images (get_imagenet_val.sh)
# Working offline instead: CS231N_DATASET=synthetic makes load_coco_data read a small
# generated stand-in in the same formats (see cs231n/coco_standin.py).
set -euo pipefail
cd "$(dirname "$0")"

bash get_coco_captioning.sh
bash get_imagenet_val.sh
