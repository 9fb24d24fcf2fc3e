"""CloudFormation logical IDs derived from stable spec keys.

A logical ID is a resource's identity: if an account's logical ID changes, CloudFormation deletes
the old resource, which closes the account. So IDs come from the account key, the OU path and the
policy key, never from list order or display names. Two keys that map to the same ID are refused by
validation (see rules.py).
"""

import re


def _pascal(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def account_logical_id(key: str) -> str:
    return "Account" + _pascal(key)


def ou_logical_id(path: str) -> str:
    return "Ou" + _pascal(path)


def policy_logical_id(key: str) -> str:
    return "Policy" + _pascal(key)


def policy_type_logical_id(policy_type: str) -> str:
    return "Enable" + _pascal(policy_type.lower())
