"""The one policy, as a table: every actor × every action × every scope, against what the issue allows."""

import itertools

import pytest

from storage.authorization import (
    ADMINISTRATOR,
    SECTOR,
    STRANGER,
    YOUTH,
    Action,
    Actor,
    NotAllowed,
    Scope,
    decide,
    require,
)
from storage.staff import Role, StaffMember, StaffScope

X, Y = 1, 2  # organisations
A, A2, B = 10, 11, 20  # structures: A and A2 in X, B in Y


def staff(role: Role, scope: StaffScope, *, organisation: int | None = None, structures=(), revoked=False):
    member = StaffMember(
        1,
        role,
        scope,
        organisation,
        tuple(structures),
        "c",
        "e",
        "b",
        "r" if revoked else None,
        None,
        "fr",
        None,
    )
    return Actor.of_staff(member)


ACTORS = {
    "youth": YOUTH,
    "stranger": STRANGER,
    "educator of A": staff(Role.EDUCATOR, StaffScope.STRUCTURES, structures=[A]),
    "educator of B": staff(Role.EDUCATOR, StaffScope.STRUCTURES, structures=[B]),
    "coordinator of X": staff(Role.COORDINATOR, StaffScope.ORGANISATION, organisation=X),
    "coordinator of Y": staff(Role.COORDINATOR, StaffScope.ORGANISATION, organisation=Y),
    "sector coordinator": staff(Role.COORDINATOR, StaffScope.SECTOR),
    "revoked educator of A": staff(Role.EDUCATOR, StaffScope.STRUCTURES, structures=[A], revoked=True),
    "revoked sector coordinator": staff(Role.COORDINATOR, StaffScope.SECTOR, revoked=True),
    "administrator": ADMINISTRATOR,
}
SCOPES = {
    "own": None,
    "structure A": Scope.structure(A, X),
    "structure A2": Scope.structure(A2, X),
    "structure B": Scope.structure(B, Y),
    "organisation X": Scope.organisation(X),
    "organisation Y": Scope.organisation(Y),
    "sector": SECTOR,
}
EDUCATING = (Action.INVITE_YOUTH, Action.VIEW_PROGRESS, Action.OPEN_FOLLOW_UP)
# Everything allowed; every other (actor, action, scope) is refused.
ALLOWED = {
    *(("educator of A", action, scope) for action in EDUCATING for scope in ("own", "structure A")),
    *(("educator of B", action, scope) for action in EDUCATING for scope in ("own", "structure B")),
    *(
        ("coordinator of X", Action.VIEW_RESULTS, scope)
        for scope in ("own", "structure A", "structure A2", "organisation X")
    ),
    *(("coordinator of Y", Action.VIEW_RESULTS, scope) for scope in ("own", "structure B", "organisation Y")),
    *(("sector coordinator", Action.VIEW_RESULTS, scope) for scope in SCOPES),
    *(
        (name, Action.SHOW_STAFF_HELP, scope)
        for name in (
            "educator of A",
            "educator of B",
            "coordinator of X",
            "coordinator of Y",
            "sector coordinator",
        )
        for scope in SCOPES
    ),
    *(("administrator", action, scope) for action in Action for scope in SCOPES),
}


def test_the_policy_allows_exactly_the_table() -> None:
    table = list(itertools.product(ACTORS, Action, SCOPES))
    wrong = [
        (actor, action.value, scope)
        for actor, action, scope in table
        if decide(ACTORS[actor], action, SCOPES[scope]) is not ((actor, action, scope) in ALLOWED)
    ]
    assert wrong == []
    assert len(table) == 420


def test_require_raises_exactly_where_decide_refuses() -> None:
    for actor, action, scope in itertools.product(ACTORS, Action, SCOPES):
        if decide(ACTORS[actor], action, SCOPES[scope]):
            require(ACTORS[actor], action, SCOPES[scope])
        else:
            with pytest.raises(NotAllowed):
                require(ACTORS[actor], action, SCOPES[scope])


def test_an_educator_without_structures_may_do_nothing() -> None:
    nowhere = staff(Role.EDUCATOR, StaffScope.STRUCTURES, structures=[])
    assert not any(decide(nowhere, action, None) for action in EDUCATING)
