"""Which Prefect API a run reports to, and whether it answers, checked before a run starts."""

from __future__ import annotations

import httpx

from linkage.errors import ConfigError

HEALTH_TIMEOUT_SECONDS = 5.0


def configured_api_url() -> str | None:
    """The Prefect API URL set by the environment or the active Prefect profile, if any; None
    means a local run starts its own temporary server."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url) if url else None


def check_prefect_api() -> None:
    """A configured Prefect API answers; otherwise raise ConfigError saying how to run locally."""
    url = configured_api_url()
    if not url or "api.prefect.cloud" in url:
        return
    try:
        httpx.get(url.rstrip("/") + "/health", timeout=HEALTH_TIMEOUT_SECONDS).raise_for_status()
    except httpx.HTTPError as exc:
        from prefect.context import get_settings_context

        profile = get_settings_context().profile.name
        raise ConfigError(
            f"the Prefect API at {url} (from the Prefect profile {profile!r} or PREFECT_API_URL) does not "
            f"answer ({type(exc).__name__}). Start that server (prefect server start), or run locally "
            f"with a temporary server instead: PREFECT_PROFILE=ephemeral PREFECT_API_URL= childreg run ..."
        ) from None
