"""Pydantic helpers every marketplace's ``schemas.py`` and ``mapping.py`` share."""

from typing import Annotated

from pydantic import BeforeValidator, ValidationError

from .base import PayloadError, _, describe_validation_error


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


def validate_order(model, payload, marketplace, number_of):
    """The opening of every ``order_from_payload``: ``payload`` validated against ``model``.

    :param model: the pydantic model of the marketplace's order
    :param payload: the decoded order, as the marketplace sent it
    :param str marketplace: the marketplace's label, for the message
    :param number_of: ``payload -> str`` the order's number as the payload gives it, for the message
    :raise PayloadError: naming the order and every problem, when ``payload`` is not an object or
        does not validate
    """
    if not isinstance(payload, dict):
        raise PayloadError(_("%(marketplace)s: the order is not a JSON object."), marketplace=marketplace)
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise PayloadError(_("%(marketplace)s order %(number)s: %(problems)s"), marketplace=marketplace,
                           number=number_of(payload) or "?", problems=describe_validation_error(error)) from error
