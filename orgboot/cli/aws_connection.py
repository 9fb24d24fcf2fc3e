"""How import and drift reach an organization: boto3's standard credential chain, or a profile, a
region, and an endpoint (a served emulator, `orgboot emulate --serve`)."""

import argparse
from collections.abc import Callable
from typing import Any

from orgboot.aws.regions import HOME_REGION


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (read only: nothing is ever written to AWS)")
    group.add_argument("--profile", help="an AWS CLI profile (default: boto3's credential chain: environment, SSO, instance role)")
    group.add_argument("--region", default=HOME_REGION, help="Organizations is homed in us-east-1")
    group.add_argument("--endpoint-url", metavar="URL", help="an AWS-compatible endpoint, such as `orgboot emulate --serve`'s")


def client_factory(args: argparse.Namespace) -> Callable[..., Any]:
    """Clients of the management account, in --region or the region given. Imported late: boto3
    takes a while to load."""
    import boto3

    session: Any = boto3.Session(profile_name=args.profile, region_name=args.region)  # clients by name at run time
    clients: dict[tuple[str, str | None], Any] = {}

    def client(service: str, region: str | None = None) -> Any:
        if (service, region) not in clients:
            clients[(service, region)] = session.client(service, region_name=region, endpoint_url=args.endpoint_url)
        return clients[(service, region)]

    return client


def failure(error: Exception, args: argparse.Namespace) -> str | None:
    """What went wrong reaching AWS, in words, or None when it is not a connection problem."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

    where = f" at {args.endpoint_url}" if args.endpoint_url else ""
    if isinstance(error, ProfileNotFound):
        return f"no AWS profile named '{args.profile}' (aws configure list-profiles)"
    if isinstance(error, NoCredentialsError):
        return "no AWS credentials found: sign in (aws sso login), or give --profile"
    if isinstance(error, ClientError):
        code = error.response["Error"].get("Code", "")
        return f"AWS refused{where}: {code}: {error.response['Error'].get('Message', '')}"
    if isinstance(error, BotoCoreError):
        return f"cannot reach AWS{where}: {error}"
    if isinstance(error, ValueError) and args.endpoint_url and "endpoint" in str(error).lower():  # botocore's word for a bad URL
        return f"--endpoint-url {args.endpoint_url} is not a URL: write it as http://127.0.0.1:4566"
    return None
