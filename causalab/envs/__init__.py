"""Environments and their registry (``Environment`` is loaded on first use; it needs torch)."""

from .registry import EnvSpec, list_environments, make, register, spec

__all__ = ["Environment", "EnvSpec", "list_environments", "make", "register", "spec"]


def __getattr__(name):
    if name == "Environment":
        from .base import Environment

        return Environment
    raise AttributeError(name)
