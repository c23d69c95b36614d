"""Abstract hero images for the demo content, drawn with Pillow (no photos are shipped)."""

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter

# One palette per section, so a section's images look related.
PALETTES = [
    ((11, 79, 138), (242, 169, 0), (235, 240, 247)),
    ((20, 110, 90), (240, 200, 90), (230, 244, 238)),
    ((120, 30, 50), (250, 170, 120), (248, 234, 236)),
    ((40, 40, 90), (110, 190, 230), (232, 234, 246)),
    ((90, 60, 20), (230, 140, 60), (247, 240, 230)),
    ((30, 90, 120), (200, 90, 90), (232, 242, 246)),
    ((70, 100, 30), (220, 210, 80), (240, 245, 230)),
    ((60, 30, 100), (230, 120, 200), (242, 234, 248)),
]


def _blend(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=128)  # the same seed always draws the same picture
def generate_hero_image(seed: int, palette_index: int, size=(1600, 900)) -> bytes:
    """A JPEG of a gradient with soft shapes; the same seed gives the same picture."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    dark, bright, light = PALETTES[palette_index % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, dark)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        draw.rectangle([0, y, width, y + 4], fill=_blend(dark, light, (y / height) * 0.55))
    shapes = Image.new("RGBA", size, (0, 0, 0, 0))
    shape_draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(5, 9)):
        radius = rng.randint(height // 8, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = rng.choice([bright, light, dark])
        shape_draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(*colour, 90))
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(0, width)
        shape_draw.line(
            [(x, 0), (x + rng.randint(-400, 400), height)], fill=(*bright, 160), width=6
        )
    shapes = shapes.filter(ImageFilter.GaussianBlur(radius=6))
    image = Image.alpha_composite(image.convert("RGBA"), shapes).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, optimize=True, progressive=True)
    return buffer.getvalue()
