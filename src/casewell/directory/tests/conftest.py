import pytest

from casewell.directory.importing import SAMPLE, import_central_directory
from casewell.directory.models import CentralOrganisation


@pytest.fixture
def central(db) -> dict[str, CentralOrganisation]:
    """The sample central directory, loaded as `casewell directory import` loads it."""
    import_central_directory(SAMPLE.read_bytes())
    return {entry.key: entry for entry in CentralOrganisation.objects.all()}
