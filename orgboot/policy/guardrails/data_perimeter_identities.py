"""Only principals of the organization (and AWS services acting for it) can reach its resources;
the third parties the member roles trust stay admitted (to every covered service, not only to
their role: name fewer `services` to narrow that).

Written from the IAM User Guide, "Establish permissions guardrails using data perimeters" and AWS's
RCP example "EnforceOrgIdentities" (aws-samples/resource-control-policy-examples). The organization
ID is not known before the organization exists, so the statement compares with the resource's own
organization, ${aws:ResourceOrgID}, as the Amazon S3 User Guide's RCP example does.
"""

from typing import Annotated, Any

from pydantic import StringConstraints

from orgboot.policy.guardrails.guardrail import Guardrail, OrgbootRoles, Statement
from orgboot.policy.guardrails.perimeter import PerimeterServices, actions

AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


# STS actions a caller from outside could make on the organization's roles. Not sts:*: sign-in
# through SAML or web identity (IAM Identity Center, CI's OIDC roles) carries no aws:PrincipalOrgID,
# so the perimeter would refuse it (the list of AWS's EnforceOrgIdentities example).
STS_ACTIONS = (
    "sts:AssumeRole",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
)


class DataPerimeterIdentities(PerimeterServices):
    trusted_accounts: tuple[AccountId, ...] = ()  # partners outside the organization, besides the member roles' third parties


def _statements(parameters: DataPerimeterIdentities, roles: OrgbootRoles) -> list[Statement]:
    outside: dict[str, Any] = {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}
    if trusted := sorted({*roles.trusted_accounts, *parameters.trusted_accounts}):
        outside["aws:PrincipalAccount"] = trusted
    return [
        {
            "Sid": "EnforceOrganizationIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": [
                *actions(tuple(s for s in parameters.services if s != "sts")),
                *(STS_ACTIONS if "sts" in parameters.services else ()),
            ],
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": outside, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
        }
    ]


GUARDRAIL = Guardrail(
    "data-perimeter-identities",
    "RESOURCE_CONTROL_POLICY",
    "the organization's resources answer only its own principals, AWS services and declared partners",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_data-perimeters.html",
    _statements,
    DataPerimeterIdentities,
)
