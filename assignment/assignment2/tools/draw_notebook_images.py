"""Draw the two pictures of the ConvNet notebook's image-processing aside:
solutions/assignment2/cs231n/notebook_images/kitten.jpg and puppy.jpg.

They are our own drawings (a cat and a dog made of simple shapes), standing in for
the photographs of the original course under the same file names. The notebook
centre-crops the kitten and resizes both to 200x200, then filters them with
conv_forward_naive (a grayscale filter and a horizontal edge detector): the drawings
have flat colours, soft shading and clear outlines, so both filters show something.

Run from anywhere:  .venv/bin/python assignment/assignment2/tools/draw_notebook_images.py
The JPEGs are committed; keep them small (a few tens of KB each). The same code always
draws the same pictures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUTPUT = (Path(__file__).resolve().parents[3] / "solutions" / "assignment2" / "cs231n"
          / "notebook_images")


def background(width: int, height: int, top: tuple, bottom: tuple) -> Image.Image:
    """A vertical colour gradient from `top` to `bottom` (RGB tuples)."""
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    rows = (1 - t) * np.array(top, float) + t * np.array(bottom, float)
    return Image.fromarray(np.repeat(rows, width, axis=1).astype(np.uint8))


def eye(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, iris: tuple) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=iris, outline=(30, 30, 30), width=3)
    draw.ellipse((cx - r / 2.5, cy - r * 0.85, cx + r / 2.5, cy + r * 0.85), fill=(15, 15, 15))
    draw.ellipse((cx - r / 2.2, cy - r / 1.6, cx - r / 6, cy - r / 3.2), fill=(250, 250, 250))


def draw_kitten() -> Image.Image:
    """A ginger kitten's face on a blue wall above a wooden floor; wider than tall."""
    width, height = 480, 360
    img = background(width, height, (120, 170, 215), (70, 110, 170))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 290, width, height), fill=(150, 100, 60))
    for x in range(0, width, 60):
        draw.line((x, 290, x - 25, height), fill=(115, 75, 45), width=3)
    cx, cy = 240, 190
    fur, dark, inner = (235, 140, 55), (190, 95, 30), (245, 180, 170)
    # Ears, then the head over their bases.
    for side in (-1, 1):
        draw.polygon([(cx + side * 115, cy - 40), (cx + side * 105, cy - 160),
                      (cx + side * 40, cy - 95)], fill=fur, outline=dark)
        draw.polygon([(cx + side * 100, cy - 55), (cx + side * 98, cy - 130),
                      (cx + side * 55, cy - 90)], fill=inner)
    draw.ellipse((cx - 130, cy - 115, cx + 130, cy + 110), fill=fur, outline=dark, width=4)
    # Tabby stripes on the forehead.
    for dx in (-30, 0, 30):
        draw.line((cx + dx, cy - 110, cx + dx * 0.6, cy - 65), fill=dark, width=9)
    draw.ellipse((cx - 70, cy + 5, cx + 70, cy + 95), fill=(250, 235, 215))
    for side in (-1, 1):
        eye(draw, cx + side * 55, cy - 25, 26, (120, 190, 80))
    draw.polygon([(cx - 14, cy + 22), (cx + 14, cy + 22), (cx, cy + 38)], fill=(220, 110, 120))
    draw.line((cx, cy + 38, cx, cy + 52), fill=(60, 40, 30), width=3)
    draw.arc((cx - 26, cy + 40, cx, cy + 64), 0, 180, fill=(60, 40, 30), width=3)
    draw.arc((cx, cy + 40, cx + 26, cy + 64), 0, 180, fill=(60, 40, 30), width=3)
    for side in (-1, 1):
        for k, dy in enumerate((-6, 8, 22)):
            draw.line((cx + side * 40, cy + 40 + dy / 2, cx + side * 150, cy + 25 + dy * 1.6 - k * 4),
                      fill=(250, 250, 250), width=2)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def draw_puppy() -> Image.Image:
    """A brown puppy's face with floppy ears on a green lawn under a pale sky; square."""
    size = 320
    img = background(size, size, (225, 235, 245), (160, 200, 230))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 250, size, size), fill=(90, 160, 70))
    for x in range(5, size, 14):
        draw.line((x, 252, x + 4, 240), fill=(70, 135, 55), width=2)
    cx, cy = 160, 160
    fur, ear, muzzle = (180, 125, 75), (110, 70, 40), (235, 210, 175)
    draw.ellipse((cx - 100, cy - 105, cx + 100, cy + 100), fill=fur, outline=(120, 80, 45), width=4)
    for side in (-1, 1):
        draw.ellipse((cx + side * 95 - 35, cy - 95, cx + side * 95 + 35, cy + 40), fill=ear)
    draw.ellipse((cx - 25, cy - 80, cx + 45, cy - 20), fill=(235, 225, 210))
    draw.ellipse((cx - 60, cy + 5, cx + 60, cy + 90), fill=muzzle)
    for side in (-1, 1):
        eye(draw, cx + side * 40, cy - 30, 17, (100, 60, 30))
    draw.ellipse((cx - 22, cy + 15, cx + 22, cy + 45), fill=(35, 25, 25))
    draw.ellipse((cx - 10, cy + 19, cx + 2, cy + 27), fill=(120, 110, 110))
    draw.line((cx, cy + 45, cx, cy + 60), fill=(60, 35, 25), width=3)
    draw.arc((cx - 30, cy + 45, cx, cy + 75), 10, 170, fill=(60, 35, 25), width=3)
    draw.arc((cx, cy + 45, cx + 30, cy + 75), 10, 170, fill=(60, 35, 25), width=3)
    draw.ellipse((cx - 12, cy + 66, cx + 12, cy + 92), fill=(225, 95, 110))
    return img.filter(ImageFilter.GaussianBlur(1.2))


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, image in (("kitten.jpg", draw_kitten()), ("puppy.jpg", draw_puppy())):
        path = OUTPUT / name
        image.save(path, "JPEG", quality=85, optimize=True)
        print(f"{path}: {image.size[0]}x{image.size[1]}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
