"""Fixtures of the référentiel tests: the shipped v1, fixture files, a directory of versions."""

import shutil
from pathlib import Path

import pytest

from referentiel.loading import SHIPPED_DIRECTORY, current_referentiel, find_referentiel
from referentiel.models import Referentiel

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def v1() -> Referentiel:
    """Return the shipped version 1 (still loadable: answers given under it are scored under it)."""
    return find_referentiel("voix-mecs", 1)


@pytest.fixture
def v2() -> Referentiel:
    """Return the shipped version 2, the current one."""
    return current_referentiel()


@pytest.fixture
def versions_directory(tmp_path: Path) -> Path:
    """Return a directory holding the shipped v1 and the v2 test fixture."""
    shutil.copy(SHIPPED_DIRECTORY / "voix-mecs-v1.yaml", tmp_path)
    shutil.copy(FIXTURES / "versions" / "voix-mecs-v2.yaml", tmp_path)
    return tmp_path
