"""A template's misuse of the functions it is given, told from a bug beneath them.

Templates call functions of this package (the filters ``date_fr``, ``plural``…, ``url``,
``site.terms_of``…). When one raises, either the template gave it what it does not take
(``{{ "2024"|date_fr }}``: the template's to mend, named at its line) or the function
has a bug (a traceback, ours to mend). The annotations say which: the arguments are
checked against them, only once something was raised, so rendering pays nothing.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import jinja2


class Misuse(Exception):
    """Raised by a function given to templates refusing a value its annotations cannot
    say it refuses (``jsonld`` given what is not JSON); its message is for the author."""


def refusal(name: str, function: Callable[..., object],
            arguments: Mapping[str, object]) -> str | None:
    """Why ``function``, called ``name`` by templates, does not take ``arguments`` (its
    parameters' values, by name), as its annotations say; ``None`` when it takes them."""
    try:
        hints = typing.get_type_hints(getattr(function, "__func__", function))
    except Exception:  # an annotation that does not resolve says nothing
        return None
    for parameter, value in arguments.items():
        if isinstance(value, jinja2.Undefined):
            return value._undefined_message
        hint = hints.get(parameter)
        if hint is not None and not fits(value, hint):
            shown = repr(value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            if value is not None:
                shown = f"the {type(value).__name__} {shown}"
            return f"{name}: {parameter} must be {_named(hint)}, not {shown}"
    return None


def bound(name: str, function: Callable[..., object],
          args: tuple[object, ...]) -> Mapping[str, object]:
    """``args`` by the names of ``function``'s parameters; raises ``Misuse`` when they do
    not fit its signature (a missing or extra argument)."""
    try:
        return inspect.signature(function).bind(*args).arguments
    except TypeError as error:
        raise Misuse(f"{name}: {error}") from None


_COUNTS = re.compile(r"takes (?:from (\d+) to )?(\d+) positional arguments? but (\d+) "
                     r"(?:was|were) given")


def counted(said: str, function: Callable[..., object], filtered: bool) -> str:
    """Python's ``takes 2 positional arguments but 3 were given``, for ``function`` called
    by a template, as the template wrote the call: without the arguments it does not
    write (a method's ``self``, what Jinja passes first to a function that asks for it,
    a filter's value, said apart)."""
    match = _COUNTS.fullmatch(said)
    parameters = list(inspect.signature(function).parameters)
    hidden = (parameters[:1] == ["self"]) + (hasattr(function, "jinja_pass_arg")) + filtered
    if match is None:
        return said
    low, high, given = (None if n is None else int(n) - hidden for n in match.groups())
    assert high is not None and given is not None
    takes = (str(high or "no") if low is None else f"at most {high}" if low == 0
             else f"from {low} to {high}")
    noun = "argument" if high == 1 else "arguments"
    after = " after the value it filters" if filtered else ""
    return f"takes {takes} {noun}{after}, but {given} {'was' if given == 1 else 'were'} given"


def fits(value: object, hint: Any) -> bool:
    """Whether ``value`` is of the annotated type, as far as ``isinstance`` can say
    (a generic by its origin; ``Any``, ``object`` and what is not a class fit anything)."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(fits(value, arg) for arg in typing.get_args(hint))
    if origin is not None:
        return not isinstance(origin, type) or isinstance(value, origin)
    if hint is None or hint is type(None):
        return value is None
    return not isinstance(hint, type) or isinstance(value, hint)


def _named(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " or ".join(_named(arg) for arg in typing.get_args(hint))
    if origin is not None:
        hint = origin
    if hint is None or hint is type(None):
        return "None"
    if not isinstance(hint, type):
        return str(hint)
    return ("an " if hint.__name__[:1] in "aeiouAEIOU" else "a ") + hint.__name__
