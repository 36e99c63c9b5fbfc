"""What every handler needs, built once by the composition root and passed explicitly."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.invitation_redemption import BadTokenThrottle
from bot.translations import Translator
from conversations.context import Context
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE, DEFAULT_MINIMUM_YOUTH_PER_SIDE
from referentiel.models import Referentiel
from storage.clock import Clock
from storage.database import Database
from storage.pseudonymisation import Pseudonymiser
from storage.reminders import ReminderPolicy

if TYPE_CHECKING:
    from bot.staff_results import ScoreReports

# (référentiel id, version) -> the référentiel a run was started with.
FindReferentiel = Callable[[str, int], Referentiel]


@dataclass
class Services:
    """The bot's collaborators: storage, identity, time, languages, référentiels and reminders."""

    database: Database
    pseudonymiser: Pseudonymiser
    clock: Clock
    translator: Translator
    reminder_policy: ReminderPolicy
    # The référentiel new runs use, and how to find the one an existing run was started with.
    new_run_referentiel: Callable[[], Referentiel]
    find_referentiel: FindReferentiel
    throttle: BadTokenThrottle = field(default_factory=BadTokenThrottle)
    # The deployment's smallest published group (VOIX_MINIMUM_GROUP_SIZE), told to every youth.
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE
    # Fewer youth than this on one side of a share: a band (VOIX_MINIMUM_YOUTH_PER_SIDE).
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE
    # The export's scores for coordinators' /resultats, given by the command root (None: unavailable).
    score_reports: "ScoreReports | None" = None

    def engine_context(self, referentiel: Referentiel, locale: str, now: datetime) -> Context:
        """Return what the engine may see for one step: référentiel, language, translations, time."""
        return Context(referentiel, locale, self.translator.gettext, now, self.minimum_group_size)
