"""The organization's resources answer only requests over TLS.

Written from AWS's RCP example "EnforceSecureTransport" (aws-samples/resource-control-policy-examples)
and the aws:SecureTransport entry of "AWS global condition context keys"; BoolIfExists keeps requests
that carry no such key (service-to-service calls) working.

Exempt: no role. orgboot and break-glass call over TLS like every SDK and the console.
"""

from orgboot.policy.guardrails.guardrail import Guardrail, OrgbootRoles, Statement
from orgboot.policy.guardrails.perimeter import PerimeterServices, actions


def _statements(parameters: PerimeterServices, _: OrgbootRoles) -> list[Statement]:
    return [
        {
            "Sid": "EnforceSecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": actions(parameters.services),
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
        }
    ]


GUARDRAIL = Guardrail(
    "data-perimeter-https",
    "RESOURCE_CONTROL_POLICY",
    "the organization's resources refuse requests that are not encrypted in transit",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport",
    _statements,
    PerimeterServices,
    ("EnforceSecureTransport",),
)
