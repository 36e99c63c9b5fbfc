"""Fixtures of the référentiel tests: the shipped v1, fixture files, a directory of versions."""

import shutil
from pathlib import Path

import pytest

from referentiel.loading import SHIPPED_DIRECTORY, current_referentiel
from referentiel.models import Referentiel

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def v1() -> Referentiel:
    """Return the shipped version 1."""
    return current_referentiel()


@pytest.fixture
def versions_directory(tmp_path: Path) -> Path:
    """Return a directory holding the shipped v1 and the v2 test fixture."""
    shutil.copy(SHIPPED_DIRECTORY / "voix-mecs-v1.yaml", tmp_path)
    shutil.copy(FIXTURES / "versions" / "voix-mecs-v2.yaml", tmp_path)
    return tmp_path
