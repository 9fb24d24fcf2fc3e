"""Refreshes orgboot/aws/data/managed_policies.json.gz, the catalogue of AWS managed policies
(name with its path -> default version and document), from moto's copy of AWS's list.

moto is only a development dependency of this step: orgboot itself reads the data file, so
validation never imports moto. Run after upgrading moto: .venv/bin/python tools/refresh_managed_policies.py
"""

import gzip
import json
from pathlib import Path

from moto import __version__ as moto_version
from moto.iam.aws_managed_policies import aws_managed_policies_data

TARGET = Path(__file__).resolve().parent.parent / "orgboot" / "aws" / "data" / "managed_policies.json.gz"


def main() -> None:
    data = json.loads(aws_managed_policies_data)
    catalogue = {
        f"{entry.get('Path', '/')}{name}".lstrip("/"): {"DefaultVersionId": entry["DefaultVersionId"], "Document": entry["Document"]}
        for name, entry in data.items()
    }
    payload = {"source": f"moto {moto_version}, moto/iam/aws_managed_policies.py", "policies": catalogue}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    TARGET.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"{TARGET}: {len(catalogue)} policies from {payload['source']}")


if __name__ == "__main__":
    main()
