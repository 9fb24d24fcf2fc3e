"""What the user writes: org.yaml as a typed, frozen model (model.py and its sections), the checks
of each field, the references between entries, the YAML source with its lines, and loading, which
reports every problem at once with file, line and key."""

from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.spec.baseline import Group, ManagementBaseline, PasswordPolicy
from orgboot.spec.documents import PolicyDocument
from orgboot.spec.fields import implied_ou_paths, parent_of
from orgboot.spec.loading import ReadSpec, read_spec
from orgboot.spec.model import Account, Organization, OrgSpec, Policy
from orgboot.spec.problems import LocatedProblem, Problem, SpecError
from orgboot.spec.roles import MemberRoles, Role

__all__ = [
    "ACCESS_ROLE",
    "ROOT",
    "Account",
    "Group",
    "LocatedProblem",
    "ManagementBaseline",
    "MemberRoles",
    "OrgSpec",
    "Organization",
    "PasswordPolicy",
    "Policy",
    "PolicyDocument",
    "Problem",
    "Role",
    "SpecError",
    "implied_ou_paths",
    "ReadSpec",
    "parent_of",
    "read_spec",
]
