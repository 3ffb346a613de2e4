# Colab setup: run this cell first. It connects the notebook to your Google Drive,
# where the assignment folder lives, and makes sure the COCO captioning data is there.
import os
import sys

# Mount your Google Drive at /content/drive (Colab asks for permission).
from google.colab import drive
drive.mount('/content/drive')

# TODO: enter the path of the assignment folder inside your Drive. The zip unpacks
# to a folder named assignment3; if you uploaded it into cs231n/assignments,
# the path is 'cs231n/assignments/assignment3'.
FOLDERNAME = None
assert FOLDERNAME is not None, '[!] Set FOLDERNAME to the assignment folder in your Drive.'

DRIVE_ROOT = '/content/drive/MyDrive'
if not os.path.isdir(DRIVE_ROOT):
    DRIVE_ROOT = '/content/drive/My Drive'
ASSIGNMENT_DIR = os.path.join(DRIVE_ROOT, FOLDERNAME)
assert os.path.isdir(ASSIGNMENT_DIR), f'[!] {ASSIGNMENT_DIR} does not exist: check FOLDERNAME.'

# Let Python import the cs231n package from the assignment folder.
if ASSIGNMENT_DIR not in sys.path:
    sys.path.append(ASSIGNMENT_DIR)

# Download the COCO captioning data (about 1 GB) into your Drive once; later
# sessions find it there.
if not os.path.isdir(os.path.join(ASSIGNMENT_DIR, 'cs231n', 'datasets', 'coco_captioning')):
    !bash "$ASSIGNMENT_DIR/cs231n/datasets/get_datasets.sh"

# Work from the assignment folder, so that relative paths resolve.
%cd "$ASSIGNMENT_DIR"
