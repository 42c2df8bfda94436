"""The schools file: all or nothing, with the line of the first error; and its idempotent import."""

import pytest

from portal_scopes.domain.schools import InvalidSchoolFile, parse_schools_csv
from portal_scopes.service_layer.handlers import import_schools

from .fakes import FakeScopesUnitOfWork

CSV = "institution_number,name\n012345,Sint-Jozefscollege\n067890,Atheneum Zuid\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("nummer,naam\n1,x\n", 1, "header"),
        ("institution_number,name\nABC,School\n", 2, "digits"),
        ("institution_number,name\n123,\n", 2, "name"),
        ("institution_number,name\n1,A\n1,B\n", 3, "twice"),
    ],
)
def test_a_bad_file_names_the_line(text, line, reason):
    with pytest.raises(InvalidSchoolFile) as error:
        parse_schools_csv(text)
    assert error.value.line == line and reason in error.value.reason


def test_bom_and_spaces_are_tolerated():
    [school] = parse_schools_csv("\ufeffinstitution_number , name\n 42 , De Klimop \n")
    assert (school.institution_number, school.name) == ("42", "De Klimop")


def test_one_number_twice_with_the_same_name_is_one_school():
    assert [s.institution_number for s in parse_schools_csv("institution_number,name\n1,A\n1,A\n2,B\n")] == [
        "1",
        "2",
    ]


@pytest.mark.parametrize("number", ["12345678901", "-1", "1 2", ""])
def test_an_institution_number_is_1_to_10_digits(number):
    with pytest.raises(InvalidSchoolFile) as error:
        parse_schools_csv(f"institution_number,name\n{number},School\n")
    assert error.value.line == 2


def test_a_name_longer_than_200_characters_is_refused():
    with pytest.raises(InvalidSchoolFile):
        parse_schools_csv("institution_number,name\n1," + "x" * 201 + "\n")
    assert parse_schools_csv("institution_number,name\n1," + "x" * 200 + "\n")[0].name == "x" * 200


def test_import_adds_renames_and_leaves_the_rest():
    uow = FakeScopesUnitOfWork()
    first = import_schools(uow, CSV)
    again = import_schools(uow, CSV)
    renamed = import_schools(uow, CSV.replace("Atheneum Zuid", "Atheneum Zuid-West"))
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    assert (renamed.added, renamed.renamed, renamed.unchanged) == (0, 1, 1)
    assert uow.schools.stored["067890"].name == "Atheneum Zuid-West" and uow.committed


def test_a_bad_file_imports_nothing():
    uow = FakeScopesUnitOfWork()
    with pytest.raises(InvalidSchoolFile):
        import_schools(uow, CSV + "abc,Kapot\n")
    assert uow.schools.stored == {} and not uow.committed
