"""AWS Account Management's alternate contacts, as data: the contact types and what PutAlternateContact
accepts of each contact.

Source: botocore's service model for `account` (data/account/2021-02-01/service-2.json, shapes
Name, Title, EmailAddress, PhoneNumber and AlternateContactType), which is the Account Management API
Reference's PutAlternateContact; the Account Management Reference Guide, "Update the alternate
contacts for your AWS account", says the same in words ("Phone numbers can only contain numbers,
whitespaces and the following characters: "+-()"", "Email addresses can be up to 254 characters long
and can include the following special characters in the local portion ... "+=.#|!&-_""). The model's
patterns are Java regular expressions matched against the whole value, where \\w is ASCII only:
Python matches them with re.fullmatch and re.ASCII (tests/spec/test_contacts_spec.py holds these
figures to botocore's model).
"""

import re

CONTACT_TYPES = ("BILLING", "OPERATIONS", "SECURITY")  # AlternateContactType enum

NAME_MAX = 64  # Name: min 1
TITLE_MAX = 50  # Title: min 1
EMAIL_MAX = 254  # EmailAddress: min 1
EMAIL_PATTERN = r"[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*"
PHONE_MAX = 25  # PhoneNumber: min 1
PHONE_PATTERN = r"[\s0-9()+-]+"


def accepted(pattern: str, value: str) -> bool:
    """Whether the service's `pattern` accepts the whole of `value`."""
    return re.fullmatch(pattern, value, re.ASCII) is not None
