"""What the two data-perimeter RCPs share: the services they cover, each one RCPs support."""

from typing import Annotated

from pydantic import AfterValidator

from orgboot.aws import iam_catalog
from orgboot.policy.guardrails.guardrail import Parameters
from orgboot.suggest import did_you_mean

# The services of AWS's own perimeter examples (aws-samples/resource-control-policy-examples).
DEFAULT_SERVICES = ("s3", "sqs", "kms", "secretsmanager", "sts")


def _rcp_service(service: str) -> str:
    supported = iam_catalog.rcp_services()
    if service not in supported:
        raise ValueError(
            f"RCPs do not apply to '{service}'{did_you_mean(service, supported)}; they apply to: {', '.join(sorted(supported))}"
        )
    return service


class PerimeterServices(Parameters):
    services: tuple[Annotated[str, AfterValidator(_rcp_service)], ...] = DEFAULT_SERVICES


def actions(services: tuple[str, ...]) -> list[str]:
    return [f"{service}:*" for service in dict.fromkeys(services)]
