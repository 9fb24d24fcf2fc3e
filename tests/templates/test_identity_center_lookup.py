"""The Identity Center lookup's code (constructs/functions/look_up_identity_center.py) against moto's
sso-admin, identitystore and organizations: what it answers, and the failures a person must act on
(Identity Center not enabled in the region, a group that does not exist, an account not found)."""

import importlib
import json
import sys
import types
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.ssoadmin.models import ssoadmin_backends

from constructs.identity_center_lookup import ANSWER_BUDGET
from constructs.inline_function import inline_code

REGION = "eu-west-1"
MANAGEMENT = "123456789012"  # moto's account
CONTEXT = SimpleNamespace(
    invoked_function_arn=f"arn:aws:lambda:{REGION}:{MANAGEMENT}:function:IdentityCenterLookup",
    log_stream_name="2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    get_remaining_time_in_millis=lambda: 300_000,
)


@pytest.fixture
def function(monkeypatch):
    """The function's module, with the `cfnresponse` Lambda gives inline code standing in: each
    answer kept as the JSON body cfnresponse would send."""
    answers: list[dict[str, Any]] = []

    def send(event, context, status, data, physicalResourceId=None, noEcho=False, reason=None):  # cfnresponse.send's names
        answers.append(
            {
                "Status": status,
                "Reason": reason or f"See the details in CloudWatch Log Stream: {context.log_stream_name}",
                "PhysicalResourceId": physicalResourceId or context.log_stream_name,
                "StackId": event["StackId"],
                "RequestId": event["RequestId"],
                "LogicalResourceId": event["LogicalResourceId"],
                "NoEcho": noEcho,
                "Data": data,
            }
        )

    cfnresponse = types.ModuleType("cfnresponse")
    cfnresponse.SUCCESS, cfnresponse.FAILED, cfnresponse.send = "SUCCESS", "FAILED", send  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
    for name, value in {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    module = importlib.reload(importlib.import_module("constructs.functions.look_up_identity_center"))
    module._accounts.clear()
    module.answers = answers  # type: ignore[attr-defined]
    with mock_aws():
        yield module


def invoke(function, request_type: str = "Create", **properties) -> dict[str, Any]:
    event = {
        "RequestType": request_type,
        "ResourceProperties": {"ServiceToken": "arn", **properties},
        "StackId": f"arn:aws:cloudformation:{REGION}:{MANAGEMENT}:stack/IdentityCenterAssignments/0f0e0d0c-0b0a-0908-0706-050403020100",
        "RequestId": "5d2b8e5a-4c1f-4f0e-9a43-0e5d1c2b3a49",
        "LogicalResourceId": "IdentityCenterGroups01",
    }
    function.handler(event, CONTEXT)
    answer: dict[str, Any] = function.answers[-1]
    return answer


def organization(*emails: str) -> dict[str, str]:
    """An organization with a member account per email: each email's account ID."""
    client = boto3.client("organizations", region_name="us-east-1")
    client.create_organization(FeatureSet="ALL")
    return {email: client.create_account(AccountName=email[:8], Email=email)["CreateAccountStatus"]["AccountId"] for email in emails}


def instance() -> dict[str, Any]:
    (found,) = boto3.client("sso-admin", region_name=REGION).list_instances()["Instances"]
    return dict(found)


def groups(*names: str) -> dict[str, str]:
    store = instance()["IdentityStoreId"]
    client = boto3.client("identitystore", region_name=REGION)
    return {name: client.create_group(IdentityStoreId=store, DisplayName=name)["GroupId"] for name in names}


def test_the_instance_groups_and_accounts_by_id(function):
    ids = organization("aws+shop-prod@example.com", "aws+audit@example.com")
    group_ids = groups("Platform", "Developers")
    answer = invoke(
        function,
        Groups={"GroupPlatform": "Platform", "GroupDevelopers": "Developers"},
        # Emails are matched without regard to case.
        Accounts={"AccountShopProd": {"Key": "shop-prod", "Email": "AWS+Shop-Prod@example.com"}},
    )
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "identity-center-lookup"  # the same for every answer: an update is never a replacement
    assert answer["Data"] == {
        "InstanceArn": instance()["InstanceArn"],
        "IdentityStoreId": instance()["IdentityStoreId"],
        "GroupPlatform": group_ids["Platform"],
        "GroupDevelopers": group_ids["Developers"],
        "AccountShopProd": ids["aws+shop-prod@example.com"],
    }


def test_the_instance_alone(function):
    answer = invoke(function)
    assert answer["Status"] == "SUCCESS"
    assert set(answer["Data"]) == {"InstanceArn", "IdentityStoreId"}


def test_no_instance_in_the_region_says_where_to_enable_it(function):
    ssoadmin_backends[MANAGEMENT][REGION].instances.clear()
    answer = invoke(function)
    assert answer["Status"] == "FAILED"
    assert answer["Data"] == {}
    assert answer["Reason"] == (
        "IAM Identity Center has no active organization instance in eu-west-1: enable it there (IAM Identity Center console,"
        " Enable, in the management account 123456789012), or set identity_center.region in org.yaml to the region it is"
        " enabled in (its home region), then deploy again"
    )


def test_an_instance_of_another_account_is_not_the_organization_instance(function):
    """What ListInstances shows the management account but does not belong to it (an account
    instance of a member) is not the organization instance."""
    ssoadmin_backends[MANAGEMENT][REGION].instances[0].account_id = "210987654321"
    answer = invoke(function)
    assert answer["Status"] == "FAILED"
    assert "has no active organization instance in eu-west-1 (arn:aws:sso:::instance/ssoins-" in answer["Reason"]
    assert ": ACTIVE, owned by 210987654321)" in answer["Reason"]


def test_missing_groups_are_named_with_the_identity_store_and_what_to_do(function):
    groups("Platform")
    store, arn = instance()["IdentityStoreId"], instance()["InstanceArn"]
    answer = invoke(function, Groups={"GroupPlatform": "Platform", "GroupDevelopers": "Developers", "GroupAuditors": "Auditors"})
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        f"IAM Identity Center has no group named 'Developers', 'Auditors' in identity store {store} (instance {arn}): create"
        " them there, or have your identity provider sync it (SCIM provisioning: the group must be assigned to the AWS"
        " application), or correct the group's display name in identity_center.assignments of org.yaml (display names are"
        " matched exactly), then deploy again"
    )


def test_an_account_not_in_the_organization_is_named_by_its_key(function):
    organization("aws+audit@example.com")
    answer = invoke(function, Accounts={"AccountShopProd": {"Key": "shop-prod", "Email": "aws+shop-prod@example.com"}})
    assert answer["Status"] == "FAILED"
    assert answer["Reason"].startswith(
        "IAM Identity Center assignments: no account of the organization has the email of shop-prod (aws+shop-prod@example.com):"
    )


def test_a_closed_account_cannot_be_assigned(function):
    ids = organization("aws+old@example.com")
    boto3.client("organizations", region_name="us-east-1").close_account(AccountId=ids["aws+old@example.com"])
    answer = invoke(function, Accounts={"AccountOld": {"Key": "old", "Email": "aws+old@example.com"}})
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == (
        f"IAM Identity Center assignments: old ({ids['aws+old@example.com']}: SUSPENDED) cannot be assigned permission sets:"
        " only active accounts can"
    )


def test_the_accounts_are_listed_once_for_the_lookups_that_follow_and_again_for_an_account_they_lack(function, monkeypatch):
    ids = organization("aws+one@example.com", "aws+two@example.com")
    listed = []
    original = function._organization_accounts

    def counting(context, fresh):
        listed.append(fresh)
        return original(context, fresh)

    monkeypatch.setattr(function, "_organization_accounts", counting)
    for key in ("one", "two"):
        assert (
            invoke(function, Accounts={key: {"Key": key, "Email": f"aws+{key}@example.com"}})["Data"][key] == ids[f"aws+{key}@example.com"]
        )
    three = boto3.client("organizations", region_name="us-east-1").create_account(AccountName="three", Email="aws+three@example.com")
    answer = invoke(function, Accounts={"three": {"Key": "three", "Email": "aws+three@example.com"}})
    assert answer["Data"]["three"] == three["CreateAccountStatus"]["AccountId"]
    assert listed == [False, False, False, True]  # the third lookup found the list without the new account, and read again


def test_delete_answers_without_a_call(function):
    ssoadmin_backends[MANAGEMENT][REGION].instances.clear()  # nothing to find: a delete needs nothing
    answer = invoke(function, "Delete", Groups={"GroupPlatform": "Platform"})
    assert (answer["Status"], answer["Data"], answer["PhysicalResourceId"]) == ("SUCCESS", {}, "identity-center-lookup")


def test_a_failure_answer_fits_in_4096_bytes(function):
    """Whatever fails, the reason is cut to fit (CloudFormation User Guide, "Custom resource
    response objects": "The total size of the response body can't exceed 4096 bytes")."""
    many = {f"Group{n:03d}": f"A group with a long display name, number {n:03d}, " + "x" * 900 for n in range(60)}
    answer = invoke(function, Groups=many)
    assert answer["Status"] == "FAILED"
    assert "and 50 more" in answer["Reason"]
    assert answer["Reason"].endswith("then deploy again")  # what to do survives the cut
    assert len(json.dumps(answer).encode()) <= 4096


def test_a_full_answer_fits_in_4096_bytes(function):
    """The most a lookup holds (constructs/identity_center_lookup.py sizes each within ANSWER_BUDGET):
    accounts with keys at the longest, each ID 12 digits."""
    keys = [f"{n:02d}-" + "k" * 61 for n in range(40)]
    entries, total = {}, 0
    for key in keys:
        name = "Account" + key.replace("-", "")
        size = len(name) + 12 + len('"": "", ')
        if total + size > ANSWER_BUDGET:
            break
        entries[name], total = key, total + size
    emails = {key: f"{key[:20]}@example.com" for key in entries.values()}
    organization(*emails.values())
    answer = invoke(function, Accounts={name: {"Key": key, "Email": emails[key]} for name, key in entries.items()})
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    assert len(answer["Data"]) == len(entries) + 2
    assert len(json.dumps(answer).encode()) <= 4096


def test_the_function_is_one_file_with_its_retries_pasted_in():
    code = inline_code(Path(__file__).resolve().parents[2] / "constructs" / "functions" / "look_up_identity_center.py")
    compile(code, "index.py", "exec")  # Lambda runs it as index.py, with nothing of constructs/ beside it
    assert "constructs.functions" not in code
    assert "def retrying(" in code


def test_a_reason_beyond_ascii_is_cut_by_the_bytes_json_gives_it(function):
    reason = function.fitted("é" * 5000)
    assert len(json.dumps(reason)) <= function.REASON_MAX
    assert len(reason) > function.REASON_MAX // 7
