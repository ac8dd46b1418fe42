"""Server-rendered pages for planners, merit committees and data scientists, in Bahasa
Indonesia with an English switch: Jinja2 templates, inline SVG charts drawn on the server and
one local stylesheet (no build step, no CDN). :func:`install` adds them to the API's app."""

from ml.serving.pages.web import install

__all__ = ["install"]
