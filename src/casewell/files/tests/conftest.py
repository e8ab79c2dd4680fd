import pytest


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_their_own(data_folder):
    """Every test here stores files: each in its own folder (the shared data_folder)."""
