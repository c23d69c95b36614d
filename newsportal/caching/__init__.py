"""Everything the portal caches, in one place (no model imported here).

- ``scopes``: versions per scope of what readers see, and the scheduled-items rule.
- ``fragments``: ``fragment(name, *parts, scopes=..., render=...)``, the one call to
  cache a rendered piece (each worker's memory, optionally the shared cache too).
- ``memory``: each worker's bounded memory (cachetools' TLRUCache, sized in bytes).
- ``live``: live parts of cached pages (feed, strip, counts), filled on every response.
- ``responses``: the response cache middleware, its per-URL policies, ETags and the
  headers that let nginx or a CDN keep a page.
- ``template_tags``: ``{% memo %}`` and ``{% live %}``.
- ``backends``: Redis behind a circuit breaker, and the file cache of production
  without Redis.
- ``view_names``: a path's URL name before URL resolution has run.

See the README's "Caching" section for the picture.
"""
