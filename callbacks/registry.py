"""Callbacks declared by their modules and registered on an app by the app factory.

``dash.callback`` puts a callback into one list shared by the process, which the first
app to serve a request takes and empties: a second app built in the same process got
none of them. Here a module declares its callbacks (``callback``,
``clientside_callback``: the same arguments as Dash's) into ``DECLARED``, which nothing
empties, and ``register_all`` registers every one on the app it is given
(``callbacks.init_callbacks``), so every app gets every callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash


@dataclass(frozen=True)
class Declared:
    """One callback as its module declared it: Dash's positional and keyword
    arguments, and ``function`` (a Python function; ``None`` for a clientside
    callback, whose code is the first positional argument)."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    function: Callable[..., Any] | None = None


DECLARED: list[Declared] = []


def callback(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a server-side callback (``Dash.callback``'s arguments); the decorated
    function is returned unchanged, so tests call it directly."""

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        DECLARED.append(Declared(args, kwargs, function))
        return function

    return declare


def clientside_callback(*args: Any, **kwargs: Any) -> None:
    """Declare a clientside callback (``Dash.clientside_callback``'s arguments)."""
    DECLARED.append(Declared(args, kwargs))


def register_all(app: Dash, declared: list[Declared] = DECLARED) -> int:
    """Register every ``declared`` callback on ``app``; returns how many.
    ``DuplicateCallback`` (Dash's) if one of them is already on ``app``."""
    for item in declared:
        if item.function is None:
            app.clientside_callback(*item.args, **item.kwargs)
        else:
            app.callback(*item.args, **item.kwargs)(item.function)
    return len(declared)
