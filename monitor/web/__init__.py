"""The analyst's desk: a server-rendered web UI (aiohttp.web + Jinja2) over the stored stories.

``app.make_desk_app(desk)`` builds the aiohttp application; ``desk.Desk`` holds what its
handlers share (config, engine, secret, clock). ``auth`` signs sessions in cookies, checks
CSRF tokens and API tokens; ``render`` renders templates with everything escaped; each page
lives in its own module and exposes ``routes``.
"""
