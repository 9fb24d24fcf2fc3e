"""Packing guardrails into documents: deterministic, within AWS's size limit, and a change to one
guardrail rewrites as few documents as possible."""

import json

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.policy.guardrails.packing import Enabled, pack, pack_key

SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"


def guardrail(key: str, targets=("Workloads",), policy_type=SCP, size: int = 1, sid: str = "Deny") -> Enabled:
    actions = [f"s3:GetObject{n:05d}" for n in range(size)]  # about 20 characters each: only the size matters here
    return Enabled(key, policy_type, tuple(targets), ({"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*"},))


def documents(packs) -> dict[str, tuple[str, ...]]:
    return {p.key: p.members for p in packs}


def test_guardrails_with_the_same_targets_share_one_document_whatever_the_order():
    packs = pack([guardrail("b", ("Sandbox", "Workloads")), guardrail("a", ("Workloads", "Sandbox")), guardrail("c", ("Root",))])
    assert documents(packs) == {pack_key(SCP, ["Sandbox", "Workloads"]): ("a", "b"), pack_key(SCP, ["Root"]): ("c",)}
    assert [p.targets for p in packs if p.members == ("a", "b")] == [("Sandbox", "Workloads")]
    assert pack([guardrail("b", ("Sandbox", "Workloads")), guardrail("a", ("Workloads", "Sandbox")), guardrail("c", ("Root",))]) == packs


def test_types_never_share_a_document():
    packs = pack([guardrail("a"), guardrail("b", policy_type=RCP)])
    assert documents(packs) == {pack_key(SCP, ["Workloads"]): ("a",), pack_key(RCP, ["Workloads"]): ("b",)}


def test_adding_a_guardrail_rewrites_only_its_target_sets_document():
    before = {p.key: p for p in pack([guardrail("a"), guardrail("b", ("Root",)), guardrail("c", ("Sandbox",))])}
    after = {p.key: p for p in pack([guardrail("a"), guardrail("b", ("Root",)), guardrail("c", ("Sandbox",)), guardrail("d", ("Root",))])}
    changed = {key for key in before | after if before.get(key) != after.get(key)}
    assert changed == {pack_key(SCP, ["Root"])}


def test_a_full_document_continues_in_the_next_with_its_own_key():
    limit = POLICY_TYPES[SCP].max_chars
    big = [guardrail(key, size=200) for key in ("a", "b", "c", "d", "e")]  # about 4,000 characters each
    packs = pack(big)
    assert [p.key for p in packs] == [pack_key(SCP, ["Workloads"], n) for n in range(1, len(packs) + 1)]
    assert len(packs) == 3
    assert [m for p in packs for m in p.members] == ["a", "b", "c", "d", "e"]  # in key order, none lost
    assert all(len(json.dumps(p.content, separators=(",", ":"))) <= limit for p in packs)


def test_statement_ids_stay_unique_in_a_document():
    (document,) = pack([guardrail("region-eu", sid="DenyRegions"), guardrail("region-us", sid="DenyRegions")])
    assert [s["Sid"] for s in document.content["Statement"]] == ["DenyRegions", "RegionUsDenyRegions"]


def test_statement_ids_made_unique_stay_unique():
    (document,) = pack([guardrail("a", sid="BX"), guardrail("aa", sid="X"), guardrail("b", sid="X")])
    sids = [s["Sid"] for s in document.content["Statement"]]
    assert len(set(sids)) == 3, sids


def test_the_description_names_the_guardrails():
    (document,) = pack([guardrail("deny-leave-organization"), guardrail("quarantine")])
    assert document.description == "orgboot guardrails: deny-leave-organization, quarantine"
