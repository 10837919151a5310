"""The web workspace: FastAPI app factory, one router per area, server-rendered pages with htmx.

`create_app(settings)` builds everything; nothing happens at import time.
"""
