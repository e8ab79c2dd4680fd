"""What the cases domain relies on: the office-level organisation a case links to."""

import pytest
from django.http import Http404

from casewell.directory.models import CentralOrganisation, Organisation
from casewell.directory.services import (
    add_organisation,
    organisation_for_case,
    override_central_organisation,
)
from casewell.offices.tenancy import across_all_offices, bind_office


@pytest.fixture
def dwp(db):
    return CentralOrganisation.objects.create(
        key="dwp-mp-hotline",
        name="Department for Work and Pensions MP hotline",
        kind="agency_mp_hotline",
        phone="+448000000000",
    )


def test_linking_a_central_entry_makes_one_office_row_that_copies_it(cast, dwp):
    first = organisation_for_case(cast.ada, central_id=dwp.pk)
    again = organisation_for_case(cast.ivy, central_id=dwp.pk)
    assert first.pk == again.pk and first.office_id == cast.north.pk
    assert first.name == dwp.name and first.is_link and not first.overridden
    south = organisation_for_case(cast.cleo, central_id=dwp.pk)
    assert south.pk != first.pk and south.office_id == cast.south.pk
    with across_all_offices():
        assert Organisation.all_offices.filter(central=dwp).count() == 2


def test_linking_an_office_row_gives_it_back_and_another_offices_is_404(cast, dwp):
    own = add_organisation(
        cast.ben, {"name": "Ridgeway Tenants Trust", "kind": "housing_association"}
    )
    assert organisation_for_case(cast.ada, organisation_id=own.pk) == own
    with pytest.raises(Http404):
        organisation_for_case(cast.cleo, organisation_id=own.pk)
    with pytest.raises(Http404):
        organisation_for_case(cast.ada, central_id=999999)


def test_linking_an_overridden_entry_gives_the_override(cast, dwp):
    override = override_central_organisation(cast.ben, dwp)
    assert organisation_for_case(cast.ada, central_id=dwp.pk).pk == override.pk
    with bind_office(cast.north):
        assert Organisation.objects.count() == 1


def test_exactly_one_of_the_ids_is_needed(cast, dwp):
    with pytest.raises(ValueError, match="exactly one"):
        organisation_for_case(cast.ada)
    with pytest.raises(ValueError, match="exactly one"):
        organisation_for_case(cast.ada, central_id=dwp.pk, organisation_id=1)
