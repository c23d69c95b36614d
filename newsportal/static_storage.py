"""Static files in production: whitenoise's compressed, hashed files, each file's URL
worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Templates name a few dozen files; the bound only guards against a caller passing
# visitors' input.
KEPT_URLS = 512


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    """The manifest cannot change under a running process, so neither can a file's URL:
    every page asks for the same style sheet and scripts (a dozen microseconds each time
    through the manifest, urljoin and quote)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = super().url(name)
            if len(self._urls) < KEPT_URLS:
                self._urls[name] = url
        return url
