"""Session API service entry point: ``python main.py`` from sessions/api (the image's WORKDIR)."""

import logging
import os
import sys

import uvicorn
from fastapi import FastAPI

import session_api
from routes import bind, router

log = logging.getLogger("lucid.sessions.api")


def create_app(jwt_secret: str) -> FastAPI:
    app = FastAPI(title="Lucid Session API", version="1.0.0")
    bind(session_api.SessionAPI(jwt_secret=jwt_secret))
    app.include_router(router)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    secret = os.environ.get("LUCID_JWT_SECRET")
    if not secret:
        log.error("LUCID_JWT_SECRET is not set")
        return 2
    uvicorn.run(
        create_app(secret),
        host=os.environ.get("LUCID_API_HOST", "0.0.0.0"),
        port=int(os.environ.get("LUCID_API_PORT", "8080")),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
