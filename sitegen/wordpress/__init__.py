"""Import a WordPress export: posts, pages, media, comments, redirects; no ads, no trackers.

The importer lives in `sitegen.wordpress.importer`; this package imports nothing up
front, so that other commands do not pay for loading it.
"""
