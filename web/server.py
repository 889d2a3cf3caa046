"""Running the web app under gunicorn from the ``kb serve`` command."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from search.service import IndexNotBuilt

# Longest request line (method, URL, protocol) gunicorn reads, in bytes; a
# longer one is answered 414 by gunicorn itself. Gunicorn's default is 4094;
# 8190 is the most it allows. Set explicitly so the figure in the README and
# the OpenAPI document is the one served.
MAX_REQUEST_LINE = 8190


class HelpCenterServer(BaseApplication):
    """Gunicorn configured from code instead of a config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app()


def warm_up_search(worker) -> None:
    """Gunicorn's post_worker_init hook: each worker opens the search before its first request."""
    try:
        worker.wsgi.extensions["kb.search"].warm_up()
    except IndexNotBuilt as exc:
        worker.log.warning("%s", exc)


def write_analytics(server, worker) -> None:
    """Gunicorn's worker_exit hook: a stopping worker writes the analytics events it still holds."""
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions["kb.analytics"].close()


def serve_app(*, host: str, port: int, workers: int, threads: int) -> None:
    HelpCenterServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": "-",
            "timeout": 30,
            "limit_request_line": MAX_REQUEST_LINE,
            "graceful_timeout": 10,
            # gunicorn's runtime control socket sits at one fixed path per
            # user; several help centers on one machine would fight over it.
            "control_socket_disable": True,
            "post_worker_init": warm_up_search,
            "worker_exit": write_analytics,
        }
    ).run()
