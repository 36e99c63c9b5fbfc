"""Where the export and workshop commands still look up groups: ``storage.organisations`` now.

Organisations and structures are storage (``storage/organisations.py``, one implementation that
``voix admin`` and ``voix demo`` share). This module only re-exports the two look-ups that
``admin/export_commands.py`` and ``admin/workshop_command.py`` import, until those modules,
being changed on other branches, import ``storage.organisations`` themselves; then delete it.
"""

from storage.organisations import find_organisation as find_organisation
from storage.organisations import find_structure as find_structure
