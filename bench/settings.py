"""Settings for `make bench` only: the production profile plus the framework-ceiling view
and a per-request query counter. Never used by the site itself."""

from newsportal.settings import *  # noqa: F403
from newsportal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Counts queries only for requests that ask (the load generator's requests do not), and
# the tagged requests that reach Django (the edge rows and the stampede).
MIDDLEWARE = [
    "bench.middleware.UpstreamCountMiddleware",
    "bench.middleware.QueryCountMiddleware",
    *MIDDLEWARE,
]
