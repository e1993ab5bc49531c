"""Model versions on disk: one folder per version, and ``current`` naming the one in use.

A version folder holds ``model.joblib``, ``metadata.json`` (with the artifact's sha256 and the
library versions it was built with) and ``report.md`` with its plots. joblib files are pickles,
which run code when loaded, so nothing is loaded before its checksum and versions are verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn

from moderation.errors import ModelIntegrityError, ModelNotFound
from moderation.scoring.bundle import ModelBundle

ARTIFACT = "model.joblib"
METADATA = "metadata.json"
CURRENT = "current"
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelVersion:
    """A version folder and its metadata."""

    version: str
    path: Path
    metadata: dict[str, Any]


class Registry:
    """The model versions under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, version: str) -> Path:
        if not VERSION_PATTERN.match(version):
            raise ModelNotFound(f"{version!r} is not a model version id")
        return self.root / version

    def save(self, version: str, bundle: ModelBundle, metadata: dict[str, Any]) -> ModelVersion:
        """Write the artifact, then its metadata with the artifact's checksum."""
        folder = self.folder(version)
        folder.mkdir(parents=True, exist_ok=False)
        artifact = folder / ARTIFACT
        joblib.dump(bundle, artifact, compress=3)
        metadata = {**metadata, "version": version, "artifact": ARTIFACT, "artifact_sha256": sha256_file(artifact)}
        (folder / METADATA).write_text(json.dumps(metadata, indent=2, sort_keys=True), encoding="utf-8")
        return ModelVersion(version, folder, metadata)

    def versions(self) -> list[ModelVersion]:
        """Every version that has metadata, oldest first."""
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(p for p in self.root.iterdir() if (p / METADATA).is_file()):
            found.append(ModelVersion(folder.name, folder, self._metadata(folder)))
        return found

    def current(self) -> str:
        """The id of the version in use."""
        marker = self.root / CURRENT
        if not marker.is_file():
            raise ModelNotFound(f"no current model in {self.root}; train one with `python train.py`")
        return marker.read_text(encoding="utf-8").strip()

    def has_current(self) -> bool:
        return (self.root / CURRENT).is_file()

    def set_current(self, version: str) -> None:
        """Make ``version`` current, atomically (readers see the old name or the new, never half)."""
        self.verify(version)
        marker = self.root / CURRENT
        temporary = self.root / f".{CURRENT}.{os.getpid()}"
        temporary.write_text(version + "\n", encoding="utf-8")
        os.replace(temporary, marker)

    def verify(self, version: str) -> ModelVersion:
        """Check the artifact against its metadata: present, same sha256, same scikit-learn."""
        folder = self.folder(version)
        metadata = self.metadata(version)
        artifact = folder / str(metadata.get("artifact", ARTIFACT))
        if not artifact.is_file():
            raise ModelIntegrityError(f"{version}: artifact {artifact.name} is missing")
        actual = sha256_file(artifact)
        if actual != metadata.get("artifact_sha256"):
            raise ModelIntegrityError(
                f"{version}: {artifact.name} has sha256 {actual[:12]}…, metadata says "
                f"{str(metadata.get('artifact_sha256'))[:12]}…; refusing to load a changed file"
            )
        built_with = metadata.get("libraries", {}).get("scikit-learn")
        if built_with != sklearn.__version__:
            raise ModelIntegrityError(
                f"{version}: built with scikit-learn {built_with}, this is {sklearn.__version__}; retrain it"
            )
        return ModelVersion(version, folder, metadata)

    def metadata(self, version: str) -> dict[str, Any]:
        """A version's metadata as written (not verified: for showing, never for loading)."""
        folder = self.folder(version)
        if not (folder / METADATA).is_file():
            raise ModelNotFound(f"no model version {version!r} in {self.root}")
        return self._metadata(folder)

    def load(self, version: str | None = None) -> tuple[ModelBundle, ModelVersion]:
        """Verify, then load, a version (the current one by default)."""
        checked = self.verify(version or self.current())
        bundle = joblib.load(checked.path / str(checked.metadata.get("artifact", ARTIFACT)))
        if not isinstance(bundle, ModelBundle):
            raise ModelIntegrityError(f"{checked.version}: artifact holds {type(bundle).__name__}, not a model")
        if mismatched := bundle.mismatched_blocks():
            raise ModelIntegrityError(
                f"{checked.version} was trained on other features than this code computes "
                f"({'; '.join(mismatched)}); retrain it"
            )
        return bundle, checked

    @staticmethod
    def _metadata(folder: Path) -> dict[str, Any]:
        try:
            data = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelIntegrityError(f"{folder.name}: unreadable {METADATA}: {exc}") from exc
        if not isinstance(data, dict):
            raise ModelIntegrityError(f"{folder.name}: {METADATA} is not an object")
        return data
