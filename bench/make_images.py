"""Hero images for a benchmark database, through the real upload pipeline.

Run as `python -m bench.make_images` with DATABASE_URL and MEDIA_ROOT set; prints the ids.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402

from articles import services  # noqa: E402
from articles.demo_images import generate_hero_image  # noqa: E402

COUNT = 12

ids = []
for seed in range(COUNT):
    picture = ContentFile(generate_hero_image(seed, seed, size=(1600, 900)), name=f"b{seed}.jpg")
    image = services.create_image(
        source=picture, alt_text=f"Εικόνα δοκιμής {seed}", caption="Λεζάντα", credit="Bench"
    )
    ids.append(image.pk)
print(json.dumps(ids))
