import pytest

from casewell.jobs.tests.conftest import migrated_template, processes  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    """Each test keeps its encrypted mail and attachments in a folder of its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path
