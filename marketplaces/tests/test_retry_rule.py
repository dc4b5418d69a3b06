"""The retry rule as the clients state it: an error's ``retryable`` says whether the same call may
succeed later (the job spine backs off) or never can as it is (the job gives up at once)."""

import pytest
import requests
import responses

from marketplaces.base import (
    AuthenticationError,
    BaseClient,
    MarketplaceError,
    PayloadError,
    RateLimitError,
    RequestError,
    TransientError,
    is_retryable_status,
)
from marketplaces.exito.client import ExitoClient

URL = "https://api.example.test/things"


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


def failure(http, **answer):
    """The error BaseClient raises for one answer (or ``body=`` exception)."""
    http.get(URL, **answer)
    with BaseClient() as client, pytest.raises(MarketplaceError) as caught:
        client._request("GET", URL)
    return caught.value


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 409, 425, 429])
def test_statuses_that_waiting_can_cure(status):
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [None, 200, 400, 402, 403, 404, 405, 410, 413, 415, 422])
def test_statuses_that_say_the_request_is_wrong(status):
    assert not is_retryable_status(status)


@pytest.mark.parametrize("status", [500, 503, 408, 409, 425, 429])
def test_transient_answers_are_retryable(http, status):
    error = failure(http, status=status, json={})
    assert error.retryable and error.status == status


@pytest.mark.parametrize("status", [400, 404, 405, 410, 422])
def test_refusals_of_the_request_are_not(http, status):
    error = failure(http, status=status, json={})
    assert isinstance(error, RequestError) and not error.retryable


def test_timeouts_and_lost_connections_are_retryable(http):
    assert failure(http, body=requests.Timeout()).retryable
    assert failure(http, body=requests.ConnectionError("reset")).retryable


def test_rate_limit_is_retryable_with_its_delay(http):
    error = failure(http, status=429, headers={"Retry-After": "7"}, json={})
    assert isinstance(error, RateLimitError) and error.retryable and error.retry_after == 7


def test_an_answer_that_is_not_json_can_never_be_read(http):
    http.get(URL, body="<html>oops</html>")
    with BaseClient() as client:
        response = client._request("GET", URL)
        with pytest.raises(PayloadError) as caught:
            client._json(response)
    assert not caught.value.retryable


def test_a_payload_that_does_not_validate_is_not_retryable():
    with pytest.raises(PayloadError) as caught:
        ExitoClient("token").parse_order({"id": "1"})
    assert not caught.value.retryable


def test_refused_credentials_are_not_cured_by_waiting(http):
    error = failure(http, status=401, json={})
    assert isinstance(error, AuthenticationError) and not error.retryable


def test_the_class_decides_then_the_status_and_an_explicit_flag_wins():
    assert TransientError("x").retryable
    assert not PayloadError("x", status=503).retryable
    assert not RequestError("x").retryable, "a request the client refuses to send"
    assert RequestError("x", status=409).retryable
    assert not RequestError("x", status=404, code="not_found").retryable
    assert not MarketplaceError("x").retryable
    assert RequestError("x", status=400, retryable=True).retryable
    assert not TransientError("x", retryable=False).retryable
