"""The CIS AWS Foundations 5.0 coverage (orgboot/analysis/cis.py) of the example and of specs that
flip each decision: met, not met with what to set in org.yaml, or out of scope with why."""

import json
import shutil

import pytest
import yaml

from orgboot.analysis.cis import DECIDE, Status, counts, coverage
from orgboot.aws import cis_monitoring
from orgboot.aws.cis_benchmark import RECOMMENDATIONS
from orgboot.rules import load_spec
from orgboot.spec.baseline import User
from tests.conftest import EXAMPLE, example_variant, iam_groups_variant


def decided(spec) -> dict[str, tuple[Status, str]]:
    return {c.recommendation.number: (c.status, c.detail) for c in coverage(spec)}


def variant(tmp_path, change) -> dict[str, tuple[Status, str]]:
    return decided(example_variant(tmp_path, change))


# The data ----------------------------------------------------------------------------------------


def test_every_number_is_unique_and_in_the_benchmarks_order():
    numbers = [r.number for r in RECOMMENDATIONS]
    assert len(set(numbers)) == len(numbers)
    assert [r.order for r in RECOMMENDATIONS] == sorted(r.order for r in RECOMMENDATIONS)


def test_the_recommendations_an_account_bootstrapper_owns_are_all_there():
    numbers = {r.number for r in RECOMMENDATIONS}
    assert {f"1.{n}" for n in range(1, 22)} <= numbers  # every one of section 1: 5.0 has 1.1 to 1.21
    assert {"2.1.1", "2.1.4", "2.2.1", "5.1.1"} <= numbers
    assert {f"3.{n}" for n in range(1, 10)} | {f"4.{n}" for n in range(1, 17)} <= numbers
    assert len(numbers) == 21 + 4 + 9 + 16


def test_5_0_numbering_without_the_security_questions():
    titles = {r.number: r.title for r in RECOMMENDATIONS}
    assert titles["1.3"] == "Ensure no 'root' user account access key exists"  # 1.4 until 4.0
    assert titles["1.7"] == "Ensure IAM password policy requires minimum length of 14 or greater"
    assert titles["1.16"] == "Ensure a support role has been created to manage incidents with AWS Support"
    assert titles["2.2.1"] == "Ensure that encryption-at-rest is enabled for RDS instances"  # EBS moved to 5.1.1 in 4.0
    assert titles["5.1.1"] == "Ensure EBS volume encryption is enabled in all regions"


def test_section_4_is_the_monitoring_data_and_every_recommendation_cites_its_source():
    by_number = {r.number: r for r in RECOMMENDATIONS}
    for control in cis_monitoring.CONTROLS:
        assert (by_number[control.number].title, control.source in by_number[control.number].source) == (control.title, True)
    assert all("cis_5.0_aws.json" in r.source for r in RECOMMENDATIONS)


def test_every_recommendation_is_decided_and_nothing_else():
    assert set(DECIDE) == {r.number for r in RECOMMENDATIONS}


def test_users_take_nothing_but_groups():
    """1.14 is met by the model: a user of org.yaml has groups and no policies. A new field of a user
    (a policy of its own, say) must come with a new decision of 1.14."""
    assert set(User.model_fields) == {"groups"}


# The example -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(example_spec):
    return decided(example_spec)


EXAMPLE_STATUSES = {
    **dict.fromkeys(["1.1", "1.4", "1.5", "1.10", "1.11", "1.12", "1.13", "1.17", "1.18", "2.2.1", "3.7"], Status.OUT_OF_SCOPE),
    **dict.fromkeys(["1.3", "1.7", "1.8", "1.9", "1.14", "1.15", "1.16", "1.21", "2.1.1"], Status.MET),
    **dict.fromkeys(["3.1", "3.2", "3.4", "3.5", "3.6"], Status.MET),
    **dict.fromkeys([c.number for c in cis_monitoring.CONTROLS], Status.MET),
    **dict.fromkeys(["1.6", "1.20"], Status.NOT_MET),
}


def test_the_example(example):
    assert {number: example[number][0] for number in EXAMPLE_STATUSES} == EXAMPLE_STATUSES
    assert example["1.7"][1].startswith("The management account's password policy asks for 14 characters or more")
    assert example["4.3"][1] == (
        "Metric filter and alarm CISBenchmark/RootUsage on the organization trail's logs, e-mailing security@example.com"
    )


def test_the_root_user_of_members_is_decided_by_the_guardrails_where_they_are_attached(example):
    status, detail = example["1.3"]
    assert status == Status.MET
    assert "(guardrail deny-root-access-keys, guardrail deny-root-user, guardrail quarantine), accounts that join later" in detail
    # deny-root-user is attached to Security, Infrastructure and Workloads, quarantine to Suspended:
    # the root user of Sandbox's accounts and of any account directly under the root can act.
    status, detail = example["1.6"]
    assert status == Status.NOT_MET
    assert detail.startswith(
        "The root user can act in accounts directly under Root and OU Sandbox: add Root to guardrails.deny-root-user.targets."
    )


def test_what_scps_do_not_reach_is_said(example):
    for number in ("1.3", "1.6"):
        assert "SCPs never restrict the management account" in example[number][1]
    assert "its root user must hold no access keys, which only that root user can see and delete" in example["1.3"][1]
    assert "RCPs never restrict the management account" in example["2.1.1"][1]


def test_the_counts_add_up(example_spec):
    found = counts(coverage(example_spec))
    assert sum(found.values()) == len(RECOMMENDATIONS)
    assert list(found) == [Status.MET, Status.NOT_MET, Status.OUT_OF_SCOPE]


# Decisions that flip -----------------------------------------------------------------------------


def test_the_password_policy(tmp_path):
    def weaker(data):
        data["management_baseline"]["password_policy"] = {"minimum_length": 12, "reuse_prevention": 5}

    found = variant(tmp_path / "weaker", weaker)
    assert found["1.7"] == (Status.NOT_MET, "set management_baseline.password_policy.minimum_length to 14 or more (it is 12)")
    assert found["1.8"] == (Status.NOT_MET, "set management_baseline.password_policy.reuse_prevention to 24 (it is 5)")

    def left_alone(data):
        data["management_baseline"]["password_policy"] = None

    found = variant(tmp_path / "none", left_alone)
    assert {found["1.7"][0], found["1.8"][0]} == {Status.NOT_MET}
    assert "null leaves the account's password policy as it is" in found["1.7"][1]


def test_users_without_mfa(tmp_path):
    def edit(data):
        for group in data["management_baseline"]["groups"].values():
            group["require_mfa"] = False

    found = decided(iam_groups_variant(tmp_path, edit))  # orgboot 0.10's example: IAM users alice and bob
    assert found["1.9"][0] == Status.NOT_MET
    assert found["1.9"][1].startswith("Users alice, bob are in no group that requires MFA: set management_baseline.groups.")


def test_a_group_holding_administrator_access(tmp_path):
    def edit(data):
        data["management_baseline"]["groups"]["BreakGlass"]["managed_policies"] = ["AdministratorAccess"]

    found = variant(tmp_path, edit)
    assert found["1.15"][0] == Status.NOT_MET
    assert found["1.15"][1].startswith(
        "BreakGlass holds AdministratorAccess: take it off the group and let the group assume management_baseline.admin_role"
    )


def test_an_inline_policy_allowing_everything(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["management_baseline"]["groups"]["BreakGlass"]["inline_policies"] = ["policies/allow-all.json"]
    shutil.copytree(EXAMPLE.parent / "policies", tmp_path / "policies")
    (tmp_path / "policies" / "allow-all.json").write_text(
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    )
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    status, detail = decided(load_spec(tmp_path / "org.yaml"))["1.15"]
    assert status == Status.NOT_MET
    assert detail.startswith("BreakGlass holds allow-all: take it off the group")


def test_the_support_role(tmp_path):
    found = variant(tmp_path, lambda data: data["management_baseline"].pop("support_role"))
    assert found["1.16"] == (
        Status.NOT_MET,
        "set management_baseline.support_role with assumable_by (the groups that handle incidents with AWS Support)",
    )


def test_cloudshell(tmp_path):
    def edit(data):
        data["member_roles"]["catalogue"]["ReadOnly"]["managed_policies"].append("AWSCloudShellFullAccess")

    found = decided(iam_groups_variant(tmp_path, edit))  # orgboot 0.10's example: a member role ReadOnly
    assert found["1.21"] == (Status.NOT_MET, "member role ReadOnly hold AWSCloudShellFullAccess: take it out of their managed_policies")


def test_root_access_keys_where_the_guardrail_is_not(tmp_path):
    def narrower(data):
        data["guardrails"]["deny-root-access-keys"]["targets"] = ["Workloads"]

    status, detail = variant(tmp_path / "narrower", narrower)["1.3"]
    assert status == Status.NOT_MET
    # deny-root-user still covers Security and Infrastructure, quarantine Suspended
    assert detail.startswith(
        "The root user can create access keys in accounts directly under Root and OU Sandbox:"
        " add Root to guardrails.deny-root-access-keys.targets."
    )

    def without(data):
        data["guardrails"].pop("deny-root-access-keys")
        data["guardrails"].pop("deny-root-user")

    status, detail = variant(tmp_path / "without", without)["1.3"]
    assert status == Status.NOT_MET
    assert ": add guardrails.deny-root-access-keys with targets: [Root]." in detail


def test_root_use_everywhere(tmp_path):
    def edit(data):
        data["guardrails"]["deny-root-user"]["targets"] = ["Root"]

    status, detail = variant(tmp_path, edit)["1.6"]
    assert status == Status.MET
    assert detail.startswith("The root user of every member account can do nothing outside a centralized root access session")
    assert "(guardrail deny-root-user, guardrail quarantine)" in detail


def test_iam_users_only_in_the_management_account(tmp_path):
    def edit(data):
        data["guardrails"]["deny-iam-users"] = {"targets": ["Root"]}

    status, detail = variant(tmp_path, edit)["1.20"]
    assert status == Status.MET
    assert detail.endswith("member accounts cannot create IAM users of their own (guardrail deny-iam-users, guardrail quarantine)")


def test_http_to_s3_without_the_perimeter(tmp_path):
    status, detail = variant(tmp_path, lambda data: data["guardrails"].pop("data-perimeter-https"))["2.1.1"]
    assert status == Status.NOT_MET
    # quarantine's SCP denies the caller, not the bucket: only an RCP makes the bucket refuse HTTP
    assert detail.startswith(
        "Buckets in every member account answer HTTP requests: add guardrails.data-perimeter-https with targets: [Root]."
    )


def test_the_trail_and_its_monitoring(tmp_path):
    found = variant(tmp_path / "no-monitoring", lambda data: data["management_baseline"]["organization_trail"].pop("cis_monitoring"))
    assert {found[c.number] for c in cis_monitoring.CONTROLS} == {
        (Status.NOT_MET, "set management_baseline.organization_trail.cis_monitoring.notify (e-mail addresses)")
    }
    assert found["3.1"][0] == Status.MET
    found = variant(tmp_path / "no-trail", lambda data: data["management_baseline"].pop("organization_trail"))
    assert {found[n][0] for n in ("3.1", "3.2", "3.4", "3.5", "3.6", "4.1", "4.15")} == {Status.NOT_MET}
    assert found["3.1"][1] == "set management_baseline.organization_trail (name: organization-trail)"


def test_where_the_trails_logs_are(example, tmp_path):
    """The hardened trail's bucket, access logs and key (CIS 3.4-3.6) are where log_archive puts them."""
    assert example["3.5"][1] == "The trail encrypts its log files with a customer managed KMS key in account log-archive (eu-west-1)"
    found = variant(tmp_path, lambda data: data["management_baseline"]["organization_trail"].pop("log_archive"))
    assert found["3.4"] == (Status.MET, "The trail's bucket, in the management account, logs its access to a second bucket there")
    assert found["3.6"][1].startswith("orgboot's one key, the trail's in the management account, rotates every year")


def test_security_contacts(tmp_path):
    def edit(data):
        data["security_baseline"]["alternate_contacts"]["default"].pop("security")

    found = variant(tmp_path / "without-security", edit)
    assert found["1.2"] == (
        Status.NOT_MET,
        "No security contact for the management account, log-archive, audit, network, shop-prod and 2 more:"
        " set security_baseline.alternate_contacts.default.security (name, title, email, phone), or per OU or account",
    )
    found = variant(tmp_path / "none", lambda data: data["security_baseline"].pop("alternate_contacts"))
    assert found["1.2"] == (Status.NOT_MET, "set security_baseline.alternate_contacts.default.security (name, title, email, phone)")


SERVICES = {
    "1.19": ("access_analyzer", {}),
    "2.1.4": ("s3_block_public_access", True),
    "3.3": ("config", {}),
    "4.16": ("security_hub", {}),
    "5.1.1": ("ebs_encryption", True),
}


@pytest.mark.parametrize("number", SERVICES)
def test_the_security_baseline_turns_each_on(tmp_path, number):
    key, on = SERVICES[number]

    def switch(value):
        def edit(data):
            baseline = data.setdefault("security_baseline", {})
            baseline["delegated_administrator"] = "audit"
            baseline[key] = value

        return edit

    status, detail = variant(tmp_path / "on", switch(on))[number]
    assert status == Status.MET
    if number != "2.1.4":  # regional: where, and what CIS's "all regions" leaves
        assert "in eu-west-1, us-east-1 (security_baseline.regions); CIS asks for every region in use" in detail
    status, detail = variant(tmp_path / "off", switch(None if isinstance(on, dict) else False))[number]
    assert status == Status.NOT_MET
    assert detail.startswith(f"set security_baseline.{key}: ")


@pytest.mark.parametrize("number", ["3.8", "3.9"])
def test_what_orgboot_does_not_set_up_yet_says_so(example, number):
    status, detail = example[number]
    assert status == Status.NOT_MET
    assert detail.startswith("orgboot does not set up ")
    assert " yet" in detail


def test_config_that_does_not_record_is_not_met(tmp_path):
    def paused(data):
        data["security_baseline"]["config"] = {"bucket_account": "log-archive", "recording": False}

    assert variant(tmp_path / "paused", paused)["3.3"] == (
        Status.NOT_MET,
        "set security_baseline.config.recording: true (the recorders are deleted while it is false)",
    )
