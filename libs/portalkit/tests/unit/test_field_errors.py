"""marshmallow and webargs messages flattened into RFC 9457 ``errors`` entries with JSON pointers."""

from portalkit.problems import Problem, field_errors


def test_a_field_message_points_at_the_field():
    assert field_errors({"name": ["Verplicht."]}) == [{"pointer": "#/name", "field": "name", "detail": "Verplicht."}]


def test_each_message_of_a_field_is_an_entry():
    entries = field_errors({"name": ["Te kort.", "Ongeldig."]})
    assert [entry["detail"] for entry in entries] == ["Te kort.", "Ongeldig."]


def test_a_location_key_becomes_in():
    assert field_errors({"query": {"page": ["Geen getal."]}}) == [
        {"pointer": "#/page", "field": "page", "detail": "Geen getal.", "in": "query"}
    ]


def test_nested_fields_point_through_objects_and_lists():
    entries = field_errors({"json": {"address": {"city": ["Verplicht."]}, "apis": {"1": ["Onbekend."]}}})
    assert [(entry["pointer"], entry["field"]) for entry in entries] == [
        ("#/address/city", "address.city"),
        ("#/apis/1", "apis.1"),
    ]


def test_messages_of_list_items_are_numbered():
    entries = field_errors({"tags": [{"name": ["Te lang."]}, {"name": ["Leeg."]}]})
    assert [entry["pointer"] for entry in entries] == ["#/tags/0/name", "#/tags/1/name"]


def test_a_schema_message_points_at_the_whole_document():
    assert field_errors({"_schema": ["Onvolledig."]}) == [{"pointer": "#", "field": None, "detail": "Onvolledig."}]


def test_a_lone_string_message_is_an_entry():
    assert field_errors({"name": "Verplicht."}) == [{"pointer": "#/name", "field": "name", "detail": "Verplicht."}]


def test_a_problem_keeps_its_status_code_and_parameters():
    problem = Problem(409, "apps.duplicate", name="Agenda", headers={"Retry-After": "1"})
    assert (problem.status, problem.code, problem.params, problem.headers, problem.extra) == (
        409,
        "apps.duplicate",
        {"name": "Agenda"},
        {"Retry-After": "1"},
        {},
    )
