"""An emulated AWS that outlives one process, for `orgboot deploy --emulated`: the assemblies
deployed into it, in order, kept in a folder (.orgboot/emulated-aws). It is rebuilt by deploying
them again into a new in-memory AWS: every deploy is deterministic, so the same history gives the
same organization, retained resources and all."""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.engine import Engine


class EmulatedHistory:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deploys(self) -> list[tuple[list[AssemblyStack], dict[str, str]]]:
        """Each deploy so far: its stacks and the parameters it was given."""
        return [(read_assembly(deploy), json.loads((deploy / "parameters.json").read_text())) for deploy in self._folders()]

    def replay(self, engine: Engine) -> None:
        """Deploy the history again into `engine` (within emulated_aws())."""
        from orgboot.emulator import deploy_assembly

        for stacks, parameters in self.deploys():
            deploy_assembly(engine, stacks, parameters)

    def append(self, assembly: Path, parameters: Mapping[str, str]) -> int:
        """Keep a deployed assembly (its manifest and templates: all the emulator reads)."""
        number = len(self._folders()) + 1
        deploy = self.folder / "deploys" / f"{number:04d}"
        deploy.mkdir(parents=True)
        for file in [assembly / "manifest.json", *assembly.glob("*.template.json")]:
            shutil.copy2(file, deploy / file.name)
        (deploy / "parameters.json").write_text(json.dumps(dict(parameters), indent=1, sort_keys=True))
        return number

    def _folders(self) -> list[Path]:
        deploys = self.folder / "deploys"
        return sorted(path for path in deploys.iterdir() if path.is_dir()) if deploys.is_dir() else []
