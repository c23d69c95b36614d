"""Settings of media on an S3-compatible object store (MEDIA_STORAGE=s3), from the
environment: django-storages' S3Storage with django-storages' own setting names.

Read by newsportal/settings.py, and by the tests that point the storage at SeaweedFS.
Files are written under AWS_LOCATION ("media/") in the bucket; readers get plain public
URLs: MEDIA_URL (an absolute URL at which the bucket's keys are served: nginx or a CDN in
front of the store), else https://AWS_S3_CUSTOM_DOMAIN/, else the store's own address.
"""

from __future__ import annotations

from collections.abc import Mapping

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

BACKEND = "storages.backends.s3.S3Storage"
REQUIRED = ("AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def object_store_settings(env: Mapping[str, str]) -> dict[str, object]:
    def get(name: str, default: str = "") -> str:
        return (env.get(name) or default).strip()

    missing = [name for name in REQUIRED if not get(name)]
    if missing:
        raise ImproperlyConfigured(f"MEDIA_STORAGE=s3 needs {', '.join(missing)}.")
    endpoint = get("AWS_S3_ENDPOINT_URL") or None  # None: Amazon S3 itself
    bucket = get("AWS_STORAGE_BUCKET_NAME")
    location = get("AWS_LOCATION", "media").strip("/")
    try:
        timeouts = {
            "connect_timeout": float(get("AWS_S3_CONNECT_TIMEOUT", "2")),
            "read_timeout": float(get("AWS_S3_READ_TIMEOUT", "10")),
            "max_attempts": int(get("AWS_S3_MAX_ATTEMPTS", "2")),
        }
    except ValueError as error:
        raise ImproperlyConfigured(f"An AWS_S3_* timeout is not a number: {error}") from None
    custom_domain = get("AWS_S3_CUSTOM_DOMAIN")
    public_base = get("MEDIA_URL") or (f"https://{custom_domain}/" if custom_domain else "")
    if not public_base:
        public_base = (
            f"{endpoint.rstrip('/')}/{bucket}/"
            if endpoint
            else f"https://{bucket}.s3.amazonaws.com/"
        )
    if not public_base.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"MEDIA_URL must be an absolute http(s) URL, not {public_base!r}."
        )
    protocol, _, domain = public_base.rstrip("/").partition("//")
    return {
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_ACCESS_KEY_ID": get("AWS_ACCESS_KEY_ID"),
        "AWS_SECRET_ACCESS_KEY": get("AWS_SECRET_ACCESS_KEY"),
        "AWS_S3_REGION_NAME": get("AWS_S3_REGION_NAME", "us-east-1"),
        "AWS_LOCATION": location,
        # Path-style URLs (endpoint/bucket/key): what SeaweedFS, MinIO and Ceph answer.
        "AWS_S3_ADDRESSING_STYLE": get("AWS_S3_ADDRESSING_STYLE", "path"),
        # Plain public URLs (no signature: a page with them can be cached), built by
        # url() from the custom domain alone: no request to the store while a page renders.
        "AWS_QUERYSTRING_AUTH": False,
        "AWS_S3_URL_PROTOCOL": protocol,
        "AWS_S3_CUSTOM_DOMAIN": domain,
        "AWS_DEFAULT_ACL": None,
        # Uploads have generated names; only a rendition written again replaces its file.
        "AWS_S3_FILE_OVERWRITE": True,
        # Bounded waits: a store that is down fails an upload in seconds (503 in the
        # admin); pages never wait for it, they print the URLs recorded on the rows.
        "AWS_S3_CLIENT_CONFIG": Config(
            connect_timeout=timeouts["connect_timeout"],
            read_timeout=timeouts["read_timeout"],
            retries={"max_attempts": timeouts["max_attempts"], "mode": "standard"},
        ),
        "MEDIA_URL": f"{public_base.rstrip('/')}/{location}/" if location else public_base,
    }


def public_origin(media_url: str) -> str:
    """scheme://host[:port] of MEDIA_URL, for the Content-Security-Policy's img-src."""
    scheme, _, rest = media_url.partition("//")
    return f"{scheme}//{rest.split('/')[0]}"
