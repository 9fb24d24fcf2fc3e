"""The guardrails section of org.yaml: each entry is checked by its own guardrail's model, and each
mistake is reported once at its line, with what would be right."""

import pytest

from orgboot.policy.guardrails.packing import pack_key
from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

RCP_TOO = BASE.replace("[SERVICE_CONTROL_POLICY]", "[SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]")


def test_guardrails_by_name_with_parameters_and_targets(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            RCP_TOO
            + "guardrails:\n"
            + "  deny-leave-organization: {targets: [Root]}\n"
            + "  protect-orgboot-roles: {targets: [Root]}\n"  # the region denies exempt stacksets-exec-* (us-east-1 is not allowed)
            + "  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads, shop-prod]}\n"
            + "  prod-regions: {guardrail: region-deny, allowed_regions: [eu-central-1], targets: [Workloads/Prod]}\n"
            + "  data-perimeter-https: {targets: [Root]}\n",
        )
    )
    assert spec.guardrails["prod-regions"].guardrail == "region-deny"
    assert spec.guardrails["region-deny"].allowed_regions == ("eu-west-1",)  # type: ignore[attr-defined]
    assert {key: (p.type, p.targets) for key, p in spec.organization_policies.items()} == {
        pack_key("SERVICE_CONTROL_POLICY", ["Root"]): ("SERVICE_CONTROL_POLICY", ("Root",)),
        pack_key("RESOURCE_CONTROL_POLICY", ["Root"]): ("RESOURCE_CONTROL_POLICY", ("Root",)),
        pack_key("SERVICE_CONTROL_POLICY", ["Workloads", "shop-prod"]): ("SERVICE_CONTROL_POLICY", ("Workloads", "shop-prod")),
        pack_key("SERVICE_CONTROL_POLICY", ["Workloads/Prod"]): ("SERVICE_CONTROL_POLICY", ("Workloads/Prod",)),
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "deny-leave-organisation: {targets: [Root]}",
            "org.yaml:8: guardrails.deny-leave-organisation: 'deny-leave-organisation' is not a guardrail of orgboot's library"
            " (did you mean 'deny-leave-organization'?) (an entry's key names its guardrail unless it says `guardrail:`); it has:",
        ),
        (
            "eu: {guardrail: region-denied, allowed_regions: [eu-west-1], targets: [Root]}",
            "org.yaml:8: guardrails.eu: 'region-denied' is not a guardrail of orgboot's library (did you mean 'region-deny'?); it has:",
        ),
        (
            "region-deny: {allowed_region: [eu-west-1], targets: [Root]}",
            "org.yaml:8: guardrails.region-deny.allowed_region: unknown key 'allowed_region' (did you mean 'allowed_regions'?);"
            " expected one of: allowed_regions, exempt_permission_sets, exempt_roles, guardrail, targets",
        ),
        ("region-deny: {allowed_regions: [eu-west-1]}", "org.yaml:8: guardrails.region-deny.targets: required key is missing"),
        (
            "region-deny: {allowed_regions: [eu-wset-1], targets: [Root]}",
            "org.yaml:8: guardrails.region-deny.allowed_regions.0: 'eu-wset-1' is not an AWS region (did you mean 'eu-west-1'?)",
        ),
        (
            "deny-root-user: {exempt_roles: [BreakGlass], targets: [Root]}",
            "org.yaml:8: guardrails.deny-root-user.exempt_roles: unknown key 'exempt_roles'; expected one of: guardrail, targets",
        ),
        (
            "quarantine: {targets: [Suspended]}",
            "org.yaml:8: guardrails.quarantine.targets.0: target 'Suspended' is neither Root, a declared OU path nor an account key",
        ),
        (
            "data-perimeter-https: {targets: [Root]}",
            "org.yaml:8: guardrails.data-perimeter-https.guardrail: guardrail 'data-perimeter-https' is a RESOURCE_CONTROL_POLICY,"
            " which is not enabled; add it to organization.policy_types",
        ),
        (
            "protect-security-services: {services: [inspector], targets: [Root]}",
            "org.yaml:8: guardrails.protect-security-services.services.0: 'inspector' is not allowed; expected one of 'cloudtrail',",
        ),
        (
            "quarantine: {targets: [Security, Security]}",
            "org.yaml:8: guardrails.quarantine.targets: 'Security' is listed 2 times; list it once",
        ),
    ],
)
def test_bad_guardrail_entries_are_refused_at_their_line(tmp_path, entry, message):
    found = problems(tmp_path, BASE + "guardrails:\n  " + entry + "\n")
    assert found[0].startswith(message), found[0]
    # A misspelt parameter also leaves the one it meant missing; anything else is one problem.
    assert found[1:] == (
        ["org.yaml:8: guardrails.region-deny.allowed_regions: required key is missing"] if "allowed_region:" in entry else []
    )


def test_rcp_services_are_those_rcps_support(tmp_path):
    found = problems(tmp_path, RCP_TOO + "guardrails:\n  data-perimeter-https: {services: [iam], targets: [Root]}\n")
    assert found[0].startswith("org.yaml:8: guardrails.data-perimeter-https.services.0: RCPs do not apply to 'iam'; they apply to: ")


def test_policy_keys_of_the_guardrails_documents_are_reserved(tmp_path):
    yaml_text = BASE + "policies:\n  guardrails-scp-1: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Root]}\n"
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:8: policies.guardrails-scp-1: policy keys starting with 'guardrails-' name orgboot's guardrail documents;"
        " rename 'guardrails-scp-1'"
    ]


def test_too_many_policies_on_a_target_names_the_guardrails_and_how_to_pack_them(tmp_path):
    written = "".join(f"  p{n}: {{type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Workloads]}}\n" for n in range(8))
    guardrails = "guardrails:\n  quarantine: {targets: [Workloads]}\n  deny-iam-users: {targets: [Workloads, Security]}\n"
    found = problems(tmp_path, BASE + "policies:\n" + written + guardrails)
    # Reported at every entry targeting Workloads, guardrails by their own keys (not their documents').
    message = (
        "10 SCPs target 'Workloads' (p0, p1, p2, p3, p4, p5, p6, p7, guardrail deny-iam-users, guardrail quarantine);"
        " at most 9 may, besides FullAWSAccess, which AWS keeps attached; guardrails with the same targets share a document,"
        " so giving them the same targets packs them tighter"
    )
    assert found == [f"org.yaml:{8 + n}: policies.p{n}.targets.0: {message}" for n in range(8)] + [
        f"org.yaml:17: guardrails.quarantine.targets.0: {message}",
        f"org.yaml:18: guardrails.deny-iam-users.targets.0: {message}",
    ]


def test_a_key_that_names_a_library_guardrail_is_that_guardrail(tmp_path):
    found = problems(tmp_path, BASE + "guardrails:\n  region-deny: {guardrail: quarantine, targets: [Root]}\n")
    assert found == [
        "org.yaml:7: guardrails: 'region-deny' names a guardrail of the library but says `guardrail: quarantine`; give the entry another key"
    ]


def test_a_guardrail_cannot_target_an_account_spread_over_stacks(tmp_path):
    yaml_text = BASE.replace("[SERVICE_CONTROL_POLICY]", "[SERVICE_CONTROL_POLICY]\n  account_stacks: 2") + (
        "guardrails:\n  quarantine:\n    targets:\n      - Security\n      - shop-prod\n"
    )
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:12: guardrails.quarantine.targets.1: account 'shop-prod' cannot be a target while organization.account_stacks"
        " spreads the accounts over stacks of their own, unless its account_id is given; target its OU, or an OU of its own"
    ]


def test_an_entry_written_as_a_value_names_the_keys_it_takes(tmp_path):
    assert problems(tmp_path, BASE + "guardrails:\n  deny-root-user: Root\n") == [
        "org.yaml:8: guardrails.deny-root-user: 'Root' is not an entry: write a mapping of its keys (guardrail, targets),"
        " like `deny-root-user: {...}`"
    ]
