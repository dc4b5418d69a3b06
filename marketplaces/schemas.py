"""Pydantic helpers every marketplace's ``schemas.py`` and ``mapping.py`` share."""

from typing import Annotated

from pydantic import BeforeValidator


def id_text(value):
    """An id as text: JSON numbers (even written as an integral float) become the integer's
    digits, never an exponent form; anything else is left to the field's own validation."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


#: a marketplace id, kept as text whatever JSON type the marketplace used
Id = Annotated[str, BeforeValidator(id_text)]


def describe_validation_error(error):
    """One readable line per problem of a pydantic error: ``products.0.quantity: ...``."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "payload"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)
