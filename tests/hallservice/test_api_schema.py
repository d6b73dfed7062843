"""The API's schema and docs are for signed-in staff, and the schema documents every refusal an operation answers
(issue 20, items 4 and 5): 400 with the field errors, 401/403, 404, 409 with the reason, 422 and 429 where they apply,
each with its component, derived once by `hallservice.core.api.HallAutoSchema`."""

import jsonschema
import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from hallservice.core.actors import SYSTEM
from hallservice.core.api import exception_handler
from hallservice.core.api_tokens import api_token_issue
from requests.services import ACTIONS
from staff.roles import Role
from tests.conftest import api_as, make_staff_user
from tests.openapi_check import api_schema, assert_matches_schema, documented_response

pytestmark = pytest.mark.django_db

REF = "#/components/schemas/"


def component(operation: dict, status: int) -> str:
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)


def operations() -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), route, op)
        for route, ops in api_schema()["paths"].items()
        for method, op in ops.items()
        if method != "parameters"
    ]


# --- Item 4: who may read the schema and the docs ---------------------------------------------------------------


def test_anonymous_users_get_no_schema_and_are_sent_to_the_login_from_the_docs(hall):
    anonymous = APIClient()
    assert anonymous.get("/api/schema/").status_code == 401
    assert (
        anonymous.get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION="Token hs_nottherealone").status_code
        == 401
    )
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=/api/docs/")
    # The docs' script is the same view: no description of the API leaks from it either.
    assert anonymous.get("/api/docs/", {"script": ""}).status_code == 302


def test_staff_read_the_schema_with_their_api_token_or_their_session(hall):
    desk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk")
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="fuzz")
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    schema = with_token.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and "/api/v1/requests/{id}/accept/" in schema.json()["paths"]

    browser = APIClient()
    browser.force_login(desk)
    assert browser.get("/api/schema/").status_code == 200
    docs = browser.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.content.decode().lower()


# --- Item 5: the refusals in the schema ---------------------------------------------------------------------------


def test_every_operation_documents_at_least_one_refusal_and_every_refusal_has_a_body():
    for method, route, op in operations():
        refusals = [code for code in op["responses"] if code.startswith("4")]
        assert refusals, (method, route)
        for code in refusals:
            assert component(op, int(code)) in {"ErrorOutput", "ConflictOutput", "ValidationErrorOutput"}, (
                route,
                code,
            )


@pytest.mark.parametrize(
    ("method", "route", "documented"),
    [
        # An action of the request table: input, role, object, state.
        ("POST", "/api/v1/requests/{id}/accept/", {400, 401, 403, 404, 409}),
        # An idempotent create: no object in the path, but a key that may be reused with another body.
        ("POST", "/api/v1/rosters/plans/", {400, 401, 403, 409, 422}),
        # A paginated, filtered list: bad filter values, a page past the end.
        ("GET", "/api/v1/matters/", {400, 401, 403, 404}),
        # One object, nothing to read from the client but its id.
        ("GET", "/api/v1/matters/{id}/", {401, 403, 404}),
        # A GET action on an object takes no filters (they used to be documented and ignored).
        ("GET", "/api/v1/requests/{id}/events/", {401, 403, 404}),
        # A write without input can still be refused by the service's rules or the state.
        ("POST", "/api/v1/rosters/plans/{id}/regenerate/", {400, 401, 403, 404, 409}),
        # A search by POST and revoking one's own tokens change no object's state: no 409.
        ("POST", "/api/v1/requests/search/", {400, 401, 403, 404}),
        ("POST", "/api/v1/auth/logout-all/", {401, 403}),
        ("DELETE", "/api/v1/rosters/unavailability/{id}/", {400, 401, 403, 404, 409}),
    ],
)
def test_the_refusals_of_sample_operations_and_their_components(method, route, documented):
    op = api_schema()["paths"][route][method.lower()]
    assert {int(code) for code in op["responses"] if code.startswith("4")} == documented
    expected = {400: "ValidationErrorOutput", 401: "ErrorOutput", 403: "ErrorOutput", 404: "ErrorOutput"}
    expected |= {409: "ConflictOutput", 422: "ValidationErrorOutput"}
    assert {code: component(op, code) for code in documented} == {code: expected[code] for code in documented}


def test_every_request_action_documents_its_own_input_not_the_request():
    paths = api_schema()["paths"]
    inputs = {}
    for name in ACTIONS:
        body = paths[f"/api/v1/requests/{{id}}/{name}/"]["post"].get("requestBody")  # none: the form has no field
        if body:
            inputs[name] = body["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)
    assert "RequestDetailOutput" not in inputs.values() and len(inputs) >= len(ACTIONS) - 2
    review = paths["/api/v1/requests/{id}/review_materials/"]["post"]["requestBody"]["content"]["application/json"]
    assert review["schema"]["$ref"] == f"{REF}ReviewMaterialsInput"
    suspend = api_schema()["components"]["schemas"]["SuspendInput"]
    assert {"reason", "resume_by"} <= set(suspend["properties"]) and "resume_by" in suspend["required"]


class FiveAMinute(UserRateThrottle):
    rate = "5/min"


class ThrottledView(APIView):
    throttle_classes = [FiveAMinute]

    def get(self, request):
        return Response({})


def test_429_is_documented_where_a_view_is_throttled_and_nowhere_else():
    throttled = SchemaGenerator(patterns=[path("api/v1/throttled/", ThrottledView.as_view())]).get_schema(
        request=None, public=True
    )
    assert component(throttled["paths"]["/api/v1/throttled/"]["get"], 429) == "ErrorOutput"
    assert not [route for _m, route, op in operations() if "429" in op["responses"]]


# --- The documented bodies are the ones the API sends ----------------------------------------------------------


def test_real_refusals_match_their_documented_bodies(registered_request, supervisor_user):
    desk = api_as(registered_request.helper.user)
    rid = registered_request.pk

    bad_input = desk.post("/api/v1/requests/", {"matter_id": "abc", "applicant_name": ""}, format="json")
    assert bad_input.status_code == 400 and "matter_id" in bad_input.json()
    assert_matches_schema(bad_input, "POST", "/api/v1/requests/")

    wrong_state = desk.post(f"/api/v1/requests/{rid}/complete/", {"result": "证书"}, format="json")
    assert wrong_state.status_code == 409 and wrong_state.json()["detail"]
    assert_matches_schema(wrong_state, "POST", "/api/v1/requests/{id}/complete/")

    not_found = desk.get("/api/v1/requests/999999/events/")
    assert not_found.status_code == 404
    assert_matches_schema(not_found, "GET", "/api/v1/requests/{id}/events/")

    forbidden = api_as(supervisor_user).post("/api/v1/requests/", {}, format="json")
    assert forbidden.status_code == 403
    assert_matches_schema(forbidden, "POST", "/api/v1/requests/")

    anonymous = APIClient().get("/api/v1/matters/")
    assert anonymous.status_code == 401
    assert_matches_schema(anonymous, "GET", "/api/v1/matters/")

    # Errors of a nested input nest: by position in a list, by key in a dict.
    nested = api_as(supervisor_user).post(
        "/api/v1/training/questions/",
        {"kind": "single", "text": "办件受理后几个工作日内办结？", "options": ["三", None], "correct": [-1]},
        format="json",
    )
    assert nested.status_code == 400 and set(nested.json()) == {"options", "correct"}
    assert_matches_schema(nested, "POST", "/api/v1/training/questions/")


def test_a_django_validation_error_without_fields_is_a_non_field_error_as_documented():
    response = exception_handler(DjangoValidationError("已超过补正期限。"), {})
    assert response.status_code == 400 and response.data == {"non_field_errors": ["已超过补正期限。"]}
    jsonschema.validate(response.data, documented_response("POST", "/api/v1/requests/", 400))


@pytest.mark.parametrize(("query", "field"), [("%02=x", "non_field_errors"), ("q%00=x", "q"), ("q=%13", "q")])
def test_a_control_character_in_a_query_parameter_is_a_documented_400(supervisor_user, query, field):
    # Found by the fuzzer: a parameter whose name is only control characters was answered {"detail": [...]}.
    response = api_as(supervisor_user).get(f"/api/v1/matters/?{query}")
    assert response.status_code == 400 and list(response.json()) == [field]
    assert_matches_schema(response, "GET", "/api/v1/matters/")


def test_the_personal_search_documents_the_page_it_answers(supervisor_user, registered_request):
    # Found by the fuzzer: the search pages by number and has no count_exact, but shared the queue's page component.
    response = api_as(supervisor_user).post("/api/v1/requests/search/", {"value": "13812345678"}, format="json")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert_matches_schema(response, "POST", "/api/v1/requests/search/")


def test_the_schema_is_generated_without_a_warning(tmp_path):
    """drf-spectacular warns when it must guess (an untyped path id it documents as a string, a view whose queryset
    it cannot read): the fuzzing then generates ids of the wrong type. No warning is allowed."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
