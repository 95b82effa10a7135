"""Model files: the manifest, hash verification, and the set-up installer. No Qt.

At run time this only *verifies* files under `models/`. `install_models()` is a set-up step
(`make models` / `preflight models install`): it takes the files out of the pinned PyPI wheel
named in the manifest. Nothing here downloads at run time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from preflight.errors import ModelError

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
FIX_COMMAND = "make models"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    path_in_wheel: str
    sha256: str
    licence: str
    purpose: str


@dataclass(frozen=True)
class Manifest:
    package: str
    version: str
    wheel_platform: str
    wheel_python: str
    models: tuple[ModelEntry, ...]

    def entry(self, name: str) -> ModelEntry:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(f"{name} is not in the model manifest")


def models_dir() -> Path:
    env = os.environ.get("PREFLIGHT_MODELS_DIR")
    return Path(env) if env else MODELS_DIR


def load_manifest(directory: Path | None = None) -> Manifest:
    path = (directory or MODELS_DIR) / "manifest.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    source = data["source"]
    return Manifest(
        package=source["package"],
        version=source["version"],
        wheel_platform=source["wheel_platform"],
        wheel_python=source["wheel_python"],
        models=tuple(
            ModelEntry(
                name=m["name"],
                path_in_wheel=m["path_in_wheel"],
                sha256=m["sha256"],
                licence=m["licence"],
                purpose=m["purpose"],
            )
            for m in data["model"]
        ),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _verified(path: Path, size: int, mtime_ns: int, expected: str) -> bool:
    # Keyed on size and mtime so a file replaced while the app runs is checked again.
    return _sha256(path) == expected


def model_path(name: str, directory: Path | None = None) -> Path:
    """The path of a verified model file.

    Raises:
        ModelError: naming the file and the command that fixes it, if it is missing or altered.
    """
    directory = directory or models_dir()
    entry = load_manifest(MODELS_DIR).entry(name)
    path = directory / name
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ModelError(
            f"model file {path} is missing; run `{FIX_COMMAND}` to install it"
        ) from None
    if not _verified(path, stat.st_size, stat.st_mtime_ns, entry.sha256):
        raise ModelError(
            f"model file {path} does not match its pinned sha256 (altered or damaged); "
            f"run `{FIX_COMMAND}` to reinstall it"
        )
    return path


def verify_models(directory: Path | None = None) -> list[str]:
    """Problems with the installed models, one line each; empty when all are present and intact."""
    problems = []
    for entry in load_manifest(MODELS_DIR).models:
        try:
            model_path(entry.name, directory)
        except ModelError as exc:
            problems.append(str(exc))
    return problems


def install_models(directory: Path | None = None, cache_dir: Path | None = None) -> list[str]:
    """Set-up step: extract the manifest's files from the pinned wheel and verify them.

    Idempotent: files already present with the right hash are left alone and no wheel is fetched.
    Returns the names of the files written.

    Raises:
        ModelError: if the wheel cannot be fetched or a file in it does not match the manifest.
    """
    directory = directory or models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(MODELS_DIR)
    missing = [m for m in manifest.models if not _intact(directory / m.name, m.sha256)]
    if not missing:
        return []
    wheel = _fetch_wheel(manifest, cache_dir)
    written = []
    with zipfile.ZipFile(wheel) as archive:
        for entry in missing:
            try:
                data = archive.read(entry.path_in_wheel)
            except KeyError:
                raise ModelError(f"{wheel.name} has no {entry.path_in_wheel}") from None
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise ModelError(f"{entry.path_in_wheel} in {wheel.name} does not match its sha256")
            tmp = directory / f".{entry.name}.tmp"
            tmp.write_bytes(data)
            tmp.replace(directory / entry.name)  # atomic: never a half-written model
            written.append(entry.name)
    return written


def _intact(path: Path, sha256: str) -> bool:
    return path.is_file() and _sha256(path) == sha256


def _fetch_wheel(manifest: Manifest, cache_dir: Path | None) -> Path:
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "preflight-model-wheels"
    cache_dir.mkdir(parents=True, exist_ok=True)
    pattern = f"{manifest.package}-{manifest.version}-*{manifest.wheel_platform}*.whl"
    cached = sorted(cache_dir.glob(pattern))
    if cached:
        return cached[0]
    command = [
        sys.executable, "-m", "pip", "download", f"{manifest.package}=={manifest.version}",
        "--no-deps", "--only-binary=:all:", "--platform", manifest.wheel_platform,
        "--python-version", manifest.wheel_python, "--disable-pip-version-check", "-q",
        "-d", str(cache_dir),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    cached = sorted(cache_dir.glob(pattern))
    if result.returncode != 0 or not cached:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(
            f"could not fetch {manifest.package}=={manifest.version} from the package index: {tail}"
        )
    return cached[0]
