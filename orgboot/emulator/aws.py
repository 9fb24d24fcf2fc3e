"""The emulated AWS: moto in-process, and boto3 sessions into its accounts, in this process or in a
served emulated AWS (`orgboot emulate --serve`) reached at its URL."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config
from moto import mock_aws

from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.aws.regions import HOME_REGION, PARTITION

MANAGEMENT_ACCOUNT_ID = "123456789012"  # moto's default account: the caller, so the management account


# One botocore session for every account: it parses the service models once. A boto3.Session per
# assumed role would parse them again for each account (3 s of JSON for the example org).
# Typed Any: clients are made by service name at run time, which boto3's stubs cannot follow.
_SHARED_SESSION: Any = boto3.Session()
_FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}


@dataclass(frozen=True)
class AwsAccount:
    """Clients for one account of the emulated AWS, in a default region: moto in this process, or
    the served emulated AWS at `endpoint_url`."""

    account_id: str
    region: str
    credentials: tuple[tuple[str, str], ...] = tuple(_FAKE_CREDENTIALS.items())
    endpoint_url: str | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        return _client(service, region or self.region, self.credentials, self.account_id, self.endpoint_url)


@cache
def _client(service: str, region: str, credentials: tuple[tuple[str, str], ...], account_id: str, endpoint_url: str | None) -> Any:
    # A served emulated AWS is on this machine: never through a proxy the environment names.
    config = None if endpoint_url is None else Config(proxies={})
    client = _SHARED_SESSION.client(service, region_name=region, endpoint_url=endpoint_url, config=config, **dict(credentials))
    client.meta.events.register("before-sign", partial(route_to_account, account_id=account_id))
    if endpoint_url is not None:
        client.meta.events.register("before-sign", partial(_at_endpoint, endpoint_url=endpoint_url))
        client.meta.events.register("after-call", _raise_not_implemented)
    return client


def _at_endpoint(request: Any, endpoint_url: str, **_: Any) -> None:
    """Every request to the served emulated AWS's own host: S3 Control's endpoint rules put the
    account before a custom endpoint's host (`{AccountId}.127.0.0.1`, botocore's
    data/s3control/*/endpoint-rule-set-1.json), a name that resolves nowhere. moto's server finds
    S3 Control by its path instead (moto_server/werkzeug_app.py, /v20180820/)."""
    url, endpoint = urlsplit(request.url), urlsplit(endpoint_url)
    if url.netloc != endpoint.netloc:
        request.url = urlunsplit(url._replace(scheme=endpoint.scheme, netloc=endpoint.netloc))


# The header a served emulated AWS (server.py) marks its answer with when moto does not serve a call.
NOT_IMPLEMENTED_HEADER = "x-orgboot-not-implemented"


def _raise_not_implemented(http_response: Any, **_: Any) -> None:
    """A call moto does not serve fails in a served emulated AWS as it does in this process, with
    NotImplementedError (moto's word for it), which readers of the emulated AWS expect."""
    if http_response.status_code == 501 and NOT_IMPLEMENTED_HEADER in http_response.headers:
        raise NotImplementedError(http_response.text.strip())


def route_to_account(request: Any, account_id: str, **_: Any) -> None:
    """moto finds a request's account from its access key by scanning every account's IAM users and
    roles, on every request: quadratic in accounts at scale. Its documented x-moto-account-id header
    names the account instead (moto docs, "Multi-account support")."""
    request.headers["x-moto-account-id"] = account_id


def management(region: str = HOME_REGION, endpoint_url: str | None = None) -> AwsAccount:
    return AwsAccount(MANAGEMENT_ACCOUNT_ID, region, endpoint_url=endpoint_url)


@cache
def assume(account_id: str, role_name: str = ACCESS_ROLE, region: str = HOME_REGION, endpoint_url: str | None = None) -> AwsAccount:
    """Credentials in a member account, as the management account gets them in AWS (through the
    served emulated AWS at `endpoint_url`, when given)."""
    credentials = (
        management(region, endpoint_url)
        .client("sts")
        .assume_role(RoleArn=f"arn:{PARTITION}:iam::{account_id}:role/{role_name}", RoleSessionName="orgboot-emulator")["Credentials"]
    )
    return AwsAccount(
        account_id,
        region,
        (
            ("aws_access_key_id", credentials["AccessKeyId"]),
            ("aws_secret_access_key", credentials["SecretAccessKey"]),
            ("aws_session_token", credentials["SessionToken"]),
        ),
        endpoint_url,
    )


@contextmanager
def _remembered_access_keys() -> Iterator[None]:
    """moto finds the account of a request without an x-moto-account-id header (any AWS tool's: the
    aws CLI, orgboot import and drift) by scanning every account's IAM backend for its access key,
    on every request (moto/iam/models.py, get_account_id_from): 6 ms a call among 1,000 accounts.
    A key belongs to one account for good, and moto draws new keys at random, so the answer is
    remembered for the life of this emulated AWS."""
    from moto.iam import models

    scan = models.get_account_id_from
    accounts: dict[str, str] = {}

    def account_of(access_key: str) -> str:
        if access_key not in accounts:
            accounts[access_key] = scan(access_key)
        return accounts[access_key]

    models.get_account_id_from = account_of  # moto imports it anew on each request (core/responses.py)
    try:
        yield
    finally:
        models.get_account_id_from = scan


@contextmanager
def emulated_aws() -> Iterator[None]:
    """An in-memory AWS for the duration of the block. Fake credentials keep boto3 from looking
    for real ones. AWS managed policies are loaded on demand (see managed_policies.py)."""
    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": HOME_REGION,
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "false",
    }
    saved = {key: os.environ.get(key) for key in fake}
    os.environ.update(fake)
    from orgboot.emulator.apis import answering  # what moto lacks, answered by the emulator itself

    try:
        with mock_aws(), _remembered_access_keys(), answering():
            yield
    finally:
        _client.cache_clear()  # clients belong to this emulated AWS only
        assume.cache_clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
