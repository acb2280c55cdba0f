"""Server-rendered pages (Jinja2 with autoescaping): the action-link confirmation and result pages."""
