"""Who exists when the mock starts: the documentation's example client and user, and PM's built-ins.

A seed file (JSON or YAML, validated against ``schemas/seed.schema.json``) extends the default seed
or, with ``"replace": true``, stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Literal

from mockserver.state import casework
from mockserver.state import directory
from mockserver.state.formats import new_unique_id
from mockserver.state.header_values import header_value_problem
from mockserver.state.rbac import ADMIN_ROLE
from mockserver.state.rbac import MANAGER_ROLE
from mockserver.state.rbac import OPERATOR_ROLE
from mockserver.state.store import ClientRow
from mockserver.state.store import UserRow
from mockserver.state.store import WorkspaceStore
from mockserver.state.store import hash_password
from schemas.documents import DocumentError
from schemas.documents import read_document

ADMIN_UID = "00000000000000000000000000000001"
APPLICATIONS_PERMISSION = "PM_REST_API_APPLICATIONS"
DOC_CLIENT_ID = "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF"
DOC_CLIENT_SECRET = "28060566356f0b9db4f0429090515303"
DOC_USERNAME = "johndoe"
DOC_PASSWORD = "p4ssw0rd"
LOCAL_CLIENT_ID = "x-pm-local-client"
LOCAL_CLIENT_SECRET = "179ad45c6ce2cb97cf1029e212046e81"
MOBILE_CLIENT_ID = "x-pm-mobile-client"
MOBILE_CLIENT_SECRET = "4426746995afa07e7485df1055471800"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"
DEFAULT_CALLBACK = "http://localhost/callback"
DOC_USER_ROLE = MANAGER_ROLE
"""johndoe's role. The documentation reads ``GET /api/1.0/workflow/users`` with his token, which
every release from 3.2 guards with ``PM_USERS`` or ``PM_FACTORY`` (3.0: ``PM_USERS`` in the
class constructor). PROCESSMAKER_MANAGER is the seeded role with the least beyond that: it grants
``PM_USERS`` in every modelled release (``rbac/engine/data/mysql/insert.sql``), but not
``PM_FACTORY`` or ``PM_SETUP``. It also grants ``PM_REST_API_APPLICATIONS`` (3.2+), so johndoe
may register applications; an operator may not."""
DEFAULT_ORIGIN = "http://localhost"
"""The origin a mock registers its built-in clients' callback under until it knows its own URL
(the in-process clients' base URL; a started server re-registers them under its real URL)."""

Builtin = Literal["", "local", "mobile"]


def builtin_callback(origin: str, workspace: str) -> str:
    """The callback PM registers for its built-in clients: the ``oauth2/grant`` page.

    The installer (``InstallerModule``) and ``WorkspaceTools::checkMafeRequirements`` both write
    ``{origin}/sys{ws}/{lang}/{skin}/oauth2/grant`` with the origin of the installing request and
    the default language and skin, for ``x-pm-local-client`` and (3.3+) ``x-pm-mobile-client``.
    """
    return f"{origin}/sys{workspace}/en/neoclassic/oauth2/grant"


class SeedError(ValueError):
    """A seed file that cannot be used; the message names the file and the field."""


def check_redirect_uri(value: str, where: str) -> None:
    """Refuse a registered callback that cannot go into ``Location`` as it is.

    Authorize writes a registered redirect URI into ``Location`` unencoded, as PHP does, so it
    must pass :func:`~mockserver.state.header_values.header_value_problem` for a URL (printable
    ASCII). :raises SeedError: ``where``, the reason, in one line."""
    problem = header_value_problem(value, ascii_only=True)
    if problem is not None:
        raise SeedError(
            f"{where}: {problem}; a redirect URI goes into the Location header as written, "
            "so it must be printable ASCII (percent-encode the rest)"
        )


@dataclass(frozen=True, slots=True)
class SeedUser:
    username: str
    password: str
    uid: str = ""
    firstname: str = ""
    lastname: str = ""
    email: str = ""
    status: str = "ACTIVE"
    due_date: str = "2030-12-31"
    role: str = OPERATOR_ROLE
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeedClient:
    client_id: str
    client_secret: str
    name: str = ""
    description: str = ""
    website: str = "http://localhost"
    redirect_uri: str = ""
    owner: str = ADMIN_USERNAME
    builtin: Builtin = ""
    """``local`` / ``mobile``: one of PM's own clients, whose callback is the workspace's grant
    page at the mock's origin (``redirect_uri`` is then ignored)."""


@dataclass(frozen=True, slots=True)
class Seed:
    users: tuple[SeedUser, ...] = ()
    clients: tuple[SeedClient, ...] = ()
    replace: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def merged_over(self, base: Seed) -> Seed:
        """This seed applied over ``base`` (later entries win by username / client id)."""
        if self.replace:
            return Seed(self.users, self.clients)
        users = {u.username.lower(): u for u in base.users}
        users.update({u.username.lower(): u for u in self.users})
        clients = {c.client_id: c for c in base.clients}
        clients.update({c.client_id: c for c in self.clients})
        return Seed(tuple(users.values()), tuple(clients.values()))

    def clients_for(self, *, mobile_client: bool) -> tuple[SeedClient, ...]:
        """The clients a workspace gets: the mobile built-in only where the profile has it."""
        return tuple(c for c in self.clients if c.builtin != "mobile" or mobile_client)

    def apply(
        self,
        store: WorkspaceStore,
        *,
        workspace: str,
        origin: str = DEFAULT_ORIGIN,
        mobile_client: bool = True,
    ) -> None:
        """Write the users and clients into a (cleared) store.

        :param workspace: the store's workspace (the built-in clients' callback names it).
        :param origin: ``scheme://host[:port]`` the built-in clients' callback is registered under.
        :param mobile_client: whether to register ``x-pm-mobile-client`` (profile field
            ``mobile_client_seeded``).
        """
        uids: dict[str, str] = {}
        for user in self.users:
            uid = user.uid or _stable_uid(user.username)
            uids[user.username.lower()] = uid
            store.add_user(
                UserRow(
                    uid=uid,
                    username=user.username,
                    password_hash=hash_password(user.password),
                    firstname=user.firstname,
                    lastname=user.lastname,
                    email=user.email,
                    due_date=user.due_date,
                    status=1 if user.status == "ACTIVE" else 0,
                    auth_type="mysql",
                    role=user.role,
                ),
                user.permissions,
            )
        for client in self.clients_for(mobile_client=mobile_client):
            store.add_client(self.client_row(client, uids, workspace=workspace, origin=origin))
        # Roles, the sample groups and departments, and every user's USERS record (idempotent;
        # a replacing seed gets the roles too).
        # The demo process: every seeded user may start it; the administrators review (every
        # user of the seed when no administrator was ever seeded).
        admins = [uids[u.username.lower()] for u in self.users if u.role == ADMIN_ROLE]
        everyone = list(uids.values())
        directory.seed_directory(store)
        casework.seed_demo_process(
            store, starters=everyone, reviewers=admins, fallback_reviewers=everyone
        )

    @staticmethod
    def client_row(
        client: SeedClient, uids: dict[str, str], *, workspace: str, origin: str
    ) -> ClientRow:
        redirect = builtin_callback(origin, workspace) if client.builtin else client.redirect_uri
        return ClientRow(
            client.client_id,
            client.client_secret,
            client.name or client.client_id,
            client.description,
            client.website,
            redirect,
            uids.get(client.owner.lower(), ADMIN_UID),
        )

    def sync_builtins(
        self, store: WorkspaceStore, *, workspace: str, origin: str, mobile_client: bool
    ) -> None:
        """Bring the built-in clients of a live store in line with the origin and the profile.

        A started server re-registers their callback under its real URL (as an install records
        the origin it was installed from); a profile switch adds or removes the mobile client.
        Rows of other clients, users and tokens are left alone."""
        for client in self.clients:
            if not client.builtin:
                continue
            present = store.get_client(client.client_id) is not None
            wanted = client.builtin != "mobile" or mobile_client
            if wanted and present:
                store.set_client_redirect_uri(client.client_id, builtin_callback(origin, workspace))
            elif wanted:
                store.add_client(self.client_row(client, {}, workspace=workspace, origin=origin))
            elif present:
                store.delete_client(client.client_id)


def _stable_uid(username: str) -> str:
    """A uid in PM's format that is the same on every start for the same username."""
    import hashlib

    digest = hashlib.sha256(username.lower().encode()).hexdigest()
    digits = "".join(str(int(c, 16) % 10) for c in digest[:18])
    return f"{int(digits[0]) % 9 + 1}{digits[1:9]}{digest[20:33]}{digits[9]}0{digits[10:18]}"


def default_seed(callback: str = DEFAULT_CALLBACK) -> Seed:
    """The documentation's example credentials, an admin, and PM's built-in clients.

    The built-ins are as the installer writes them (``InstallerModule``, values from
    ``config/oauthClients.php``): owner admin, callback the workspace's grant page.

    :raises SeedError: for a ``callback`` that cannot go into ``Location``."""
    check_redirect_uri(callback, f"callback {callback!r}")
    return Seed(
        users=(
            SeedUser(
                ADMIN_USERNAME,
                ADMIN_PASSWORD,
                uid=ADMIN_UID,
                firstname="Administrator",
                lastname="Admin",
                email="admin@processmaker.com",
                role=ADMIN_ROLE,
            ),
            SeedUser(
                DOC_USERNAME,
                DOC_PASSWORD,
                firstname="John",
                lastname="Doe",
                email="johndoe@example.com",
                role=DOC_USER_ROLE,
            ),
        ),
        clients=(
            SeedClient(
                DOC_CLIENT_ID,
                DOC_CLIENT_SECRET,
                name="Example REST application",
                description="The client of the ProcessMaker 3 OAuth 2.0 documentation",
                website="http://example.com",
                redirect_uri=callback,
            ),
            SeedClient(
                LOCAL_CLIENT_ID,
                LOCAL_CLIENT_SECRET,
                name="PM Web Designer",
                description="ProcessMaker Web Designer App",
                website="www.processmaker.com",
                builtin="local",
            ),
            # config/oauthClients.php 'mobile' (3.3+; profile field mobile_client_seeded)
            SeedClient(
                MOBILE_CLIENT_ID,
                MOBILE_CLIENT_SECRET,
                name="PM Mobile App",
                description="PM Mobile App for Android and iOS",
                website="www.processmaker.com",
                builtin="mobile",
            ),
        ),
    )


def seed_from_data(data: Any, origin: str = "seed") -> Seed:
    """Build a :class:`Seed` from decoded JSON/YAML, validated against the seed schema.

    :raises SeedError: naming ``origin`` and the first offending field.
    """
    import schemas

    problems = schemas.errors("seed", data)
    if problems:
        raise SeedError(f"{origin}: {problems[0]}")
    for index, u in enumerate(data.get("users", [])):
        role = u.get("role", OPERATOR_ROLE)
        if role not in known_roles():
            raise SeedError(
                f"{origin}: users[{index}].role: unknown role {role!r} "
                f"(ProcessMaker seeds {', '.join(known_roles())})"
            )
    for index, c in enumerate(data.get("clients", [])):
        check_redirect_uri(c.get("redirect_uri", ""), f"{origin}: clients[{index}].redirect_uri")
    users = tuple(
        SeedUser(
            username=u["username"],
            password=u["password"],
            uid=u.get("uid", ""),
            firstname=u.get("firstname", ""),
            lastname=u.get("lastname", ""),
            email=u.get("email", ""),
            status=u.get("status", "ACTIVE"),
            due_date=u.get("due_date", "2030-12-31"),
            role=u.get("role", OPERATOR_ROLE),
            permissions=tuple(u.get("permissions", ())),
        )
        for u in data.get("users", [])
    )
    clients = tuple(
        SeedClient(
            client_id=c["client_id"],
            client_secret=c["client_secret"],
            name=c.get("name", ""),
            description=c.get("description", ""),
            website=c.get("website", "http://localhost"),
            redirect_uri=c.get("redirect_uri", ""),
            owner=c.get("owner", ADMIN_USERNAME),
        )
        for c in data.get("clients", [])
    )
    return Seed(users, clients, replace=bool(data.get("replace", False)))


def known_roles() -> tuple[str, ...]:
    """Every role code a modelled release seeds (a seed naming another is refused)."""
    from mockserver.state import rbac

    return tuple(sorted({r for release in rbac.releases() for r in rbac.roles(release)}))


def load_data_file(path: Path) -> Any:
    """Read a JSON or YAML file. :raises SeedError: one ``file:line:col`` line saying why."""
    try:
        return _dates_as_text(read_document(path))
    except DocumentError as exc:
        raise SeedError(str(exc)) from None


def _dates_as_text(value: Any) -> Any:
    """YAML reads ``2030-12-31`` as a date; the files' schemas want the text the user wrote."""
    import datetime

    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def load_seed_file(path: Path) -> Seed:
    return seed_from_data(load_data_file(path), str(path))


__all__ = [
    "Seed",
    "SeedClient",
    "SeedError",
    "SeedUser",
    "default_seed",
    "load_seed_file",
    "new_unique_id",
]
