"""Settings of the read-replica fault test's server: the fault server's, plus a header
that says how many queries each database alias ran for the request."""

from tests.faults.settings import *  # noqa: F403
from tests.faults.settings import MIDDLEWARE

MIDDLEWARE = ["tests.faults.alias_queries.QueriesByAliasMiddleware", *MIDDLEWARE]
