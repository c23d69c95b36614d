"""Settings of the fault tests' server only: the production profile, a per-request query
counter (asked for with an X-Count-Queries header), and one test-only URL that runs a
slow query (tests/faults/urls.py). Never used by the site itself."""

from newsportal.settings import *  # noqa: F403
from newsportal.settings import MIDDLEWARE

ROOT_URLCONF = "tests.faults.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
