"""Signing in to the admin in the browser tests, as the roles the data migrations make."""

import inspect

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

from tests.factories import UserFactory

# tests.factories.UserFactory's password.
PASSWORD = "a-long-test-password"


def rebuild_role_groups() -> None:
    """The Editors and Moderators groups as the data migrations make them (transactional
    tests empty every table, groups included): each RunPython of our apps that deals with
    groups runs again, in migration order, with the migrated models."""
    loader = MigrationLoader(connection)
    state_apps = loader.project_state().apps
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    for key in plan:
        if key[0] not in {"articles", "comments"}:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython) and "Group" in inspect.getsource(operation.code):
                operation.code(state_apps, None)


def make_editor(username: str, first_name: str = "Ελένη", last_name: str = "Ν."):
    """A member of Editors as the migrations make the group (rebuilt: an earlier
    transactional test emptied every table)."""
    rebuild_role_groups()
    user = UserFactory(username=username, first_name=first_name, last_name=last_name, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Συνθηματικό").fill(PASSWORD)
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url(f"{live_server.url}/admin/")
