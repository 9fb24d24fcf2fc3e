"""Only principals of the organization and its declared partners can reach its resources, and AWS
services only when they act for the organization or a partner. The third parties the member roles
trust are partners by themselves (they reach every covered service, not only their role: name
fewer `services` to narrow that).

Written from AWS's identity perimeter RCP (aws-samples/data-perimeter-policy-examples,
resource_control_policies/identity_perimeter_rcp.json, commit 8e0d3c5, statements
"EnforceOrgIdentities" and "EnforceConfusedDeputyProtection") and the IAM User Guide, "Establish
permissions guardrails using data perimeters" and "The confused deputy problem":
- the first statement admits the organization's principals, the partners' and AWS services; it
  cannot tell for whom a service acts;
- the second, the confused-deputy protection, refuses a service principal acting for anyone else:
  aws:SourceOrgID must be the organization, or aws:SourceAccount a partner. `Null` on
  aws:SourceAccount limits it to the calls that carry the source keys (aws:SourceAccount is there
  "only when the call to your resource is made directly by an AWS service principal": IAM User
  Guide, "AWS global condition context keys"); services that assume a service role or use a KMS
  grant do not, and need not (the README of AWS's example explains each case).
The organization ID is not known before the organization exists, so both compare with the
resource's own organization, ${aws:ResourceOrgID}, as the Amazon S3 User Guide's RCP example does.

Exempt: no role. Principals of the organization (orgboot's and break-glass among them) are inside
the perimeter.
"""

from typing import Annotated, Any

from pydantic import StringConstraints

from orgboot.policy.guardrails.guardrail import Guardrail, OrgbootRoles, Statement
from orgboot.policy.guardrails.perimeter import PerimeterServices, actions

AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
IDENTITIES, CONFUSED_DEPUTY = "EnforceOrganizationIdentities", "EnforceConfusedDeputyProtection"
OWN_ORGANIZATION = "${aws:ResourceOrgID}"


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
    partners = sorted({*roles.trusted_accounts, *parameters.trusted_accounts})
    outside: dict[str, Any] = {"aws:PrincipalOrgID": OWN_ORGANIZATION}
    for_someone_else: dict[str, Any] = {"aws:SourceOrgID": OWN_ORGANIZATION}
    if partners:
        outside["aws:PrincipalAccount"] = partners
        for_someone_else["aws:SourceAccount"] = partners
    return [
        {
            "Sid": IDENTITIES,
            "Effect": "Deny",
            "Principal": "*",
            "Action": [
                *actions(tuple(s for s in parameters.services if s != "sts")),
                *(STS_ACTIONS if "sts" in parameters.services else ()),
            ],
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": outside, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
        },
        {
            "Sid": CONFUSED_DEPUTY,
            "Effect": "Deny",
            "Principal": "*",
            # Every action of the services, sts:* included: a service principal signs in neither
            # through SAML nor web identity (AWS's example lists sts:* here too).
            "Action": actions(parameters.services),
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": for_someone_else,
                "Null": {"aws:SourceAccount": "false"},
                "Bool": {"aws:PrincipalIsAWSService": "true"},
            },
        },
    ]


GUARDRAIL = Guardrail(
    "data-perimeter-identities",
    "RESOURCE_CONTROL_POLICY",
    "the organization's resources answer only its own principals, AWS services and declared partners"
    " (AWS services only when they act for the organization or a partner)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_data-perimeters.html",
    _statements,
    DataPerimeterIdentities,
    (IDENTITIES, CONFUSED_DEPUTY),
)
