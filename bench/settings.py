"""Settings for `make bench` only: the production profile plus the framework-ceiling view
and a per-request query counter. Never used by the site itself."""

from newsportal.settings import *  # noqa: F403
from newsportal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Counts queries only for requests that ask (the load generator's requests do not).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
