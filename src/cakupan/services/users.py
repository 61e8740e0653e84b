"""Accounts: users with a role (as data), Argon2 passwords with lock-out, server-side sessions,
API tokens stored hashed, and the scope a user's requests carry."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from cakupan.regions import dotted, region_name, undotted
from cakupan.services.common import Scope, ServiceError
from cakupan.store import Store
from cakupan.store.models import ApiToken, CohortOwner, ListOwner, Role, User, WebSession

MAX_FAILURES = 5
"""Failed logins in a row before an account is locked."""
LOCK_MINUTES = 15
SESSION_HOURS = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("tidak-ada-pengguna-ini")


class LoginFailed(ServiceError):
    """Wrong user name or password, disabled or locked: one sentence that says no more."""


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    regions: tuple[str, ...]
    branch: str | None
    disabled: bool
    locked: bool
    must_change: bool
    created_at: datetime
    last_login: datetime | None
    scope_kind: str
    may_unmask: bool
    manages_users: bool
    all_lists: bool
    role_regions: tuple[str, ...]


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c for c in (text or "").split(",") if c)


def _account(user: User, role: Role, at: datetime | None = None) -> Account:
    at = at or now()
    return Account(user.id, user.username, user.role, _codes(user.regions), user.branch, user.disabled,
                   bool(user.locked_until and user.locked_until > at), user.must_change, user.created_at,
                   user.last_login, role.scope_kind, role.may_unmask, role.manages_users, role.all_lists,
                   _codes(role.regions))


def roles(store: Store) -> list[Role]:
    with store.session() as s:
        return list(s.scalars(select(Role).order_by(Role.name)))


def _regions(items: list[str] | None) -> str | None:
    codes = []
    for item in items or []:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            code = undotted(part)
            if not code.isdigit() or len(code) not in (2, 4) or region_name(code) is None:
                raise ServiceError(f"wilayah {part!r} tidak dikenal: tulis kode provinsi atau kabupaten/kota "
                                   "Kemendagri, misalnya 33 atau 33.74")
            codes.append(code)
    return ",".join(dict.fromkeys(codes)) or None


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def add_user(store: Store, username: str, role: str, regions: list[str] | None = None,
             branch: str | None = None, password: str | None = None) -> tuple[Account, str]:
    """A new account and its one-time password (to be changed at the first login)."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise ServiceError(f"nama pengguna {username!r}: 2-64 huruf kecil, angka, titik, garis bawah atau "
                           "tanda hubung, diawali huruf atau angka")
    codes = _regions(regions)
    with store.session() as s:
        r = s.get(Role, role)
        if r is None:
            names = ", ".join(x.name for x in s.scalars(select(Role).order_by(Role.name)))
            raise ServiceError(f"peran {role!r} tidak ada: pilih salah satu dari {names}")
        if r.scope_kind == "branch" and not branch:
            raise ServiceError("peran cabang perlu --branch KODE (kode cabang di tabel targets branches)")
        if r.scope_kind == "own" and not codes:
            raise ServiceError("peran mitra perlu --region (kabupaten/kota mitra), misalnya --region 33.22")
        if s.scalar(select(User).where(User.username == username)) is not None:
            raise ServiceError(f"pengguna {username!r} sudah ada (cakupan users list)")
        secret = password or one_time_password()
        user = User(username=username, role=role, regions=codes, branch=(branch or None),
                    password_hash=_hasher.hash(secret), must_change=password is None, disabled=False,
                    failed_logins=0, created_at=now())
        s.add(user)
        s.flush()
        return _account(user, r), secret


def has_admin(store: Store) -> bool:
    with store.session() as s:
        return bool(s.scalar(select(func.count()).select_from(User).join(Role, Role.name == User.role)
                             .where(Role.manages_users.is_(True), User.disabled.is_(False))))


def accounts(store: Store) -> list[Account]:
    with store.session() as s:
        rows = s.execute(select(User, Role).join(Role, Role.name == User.role).order_by(User.username)).all()
        return [_account(u, r) for u, r in rows]


def account(store: Store, username: str) -> Account:
    with store.session() as s:
        row = s.execute(select(User, Role).join(Role, Role.name == User.role)
                        .where(User.username == username.strip().lower())).first()
        if row is None:
            raise ServiceError(f"pengguna {username!r} tidak ada (cakupan users list)")
        return _account(*row)


def _user(s, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ServiceError(f"pengguna {username!r} tidak ada (cakupan users list)")
    return user


def disable(store: Store, username: str) -> None:
    """No more logins; its sessions end and its API tokens are revoked."""
    with store.session() as s:
        user = _user(s, username)
        user.disabled = True
        s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        s.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                  .values(revoked_at=now()))


def enable(store: Store, username: str) -> None:
    with store.session() as s:
        user = _user(s, username)
        user.disabled, user.failed_logins, user.locked_until = False, 0, None


def reset_password(store: Store, username: str) -> str:
    """A new one-time password; the lock is lifted and every session ends."""
    secret = one_time_password()
    with store.session() as s:
        user = _user(s, username)
        user.password_hash, user.must_change = _hasher.hash(secret), True
        user.failed_logins, user.locked_until = 0, None
        s.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return secret


def authenticate(store: Store, username: str, password: str, at: datetime | None = None) -> Account:
    """The account if the password is right. After ``MAX_FAILURES`` wrong passwords in a row the
    account is locked for ``LOCK_MINUTES`` (even the right password is refused meanwhile)."""
    at = at or now()
    refused = LoginFailed("nama pengguna atau kata sandi salah, atau akun dikunci sementara")
    with store.session() as s:
        row = s.execute(select(User, Role).join(Role, Role.name == User.role)
                        .where(User.username == (username or "").strip().lower())).first()
        if row is None:
            try:  # the same work as for a real account: timing says nothing about who exists
                _hasher.verify(_DUMMY, password or "")
            except VerificationError:
                pass
            raise refused
        user, role = row
        if user.disabled or (user.locked_until and user.locked_until > at):
            raise refused
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until, user.failed_logins = at + timedelta(minutes=LOCK_MINUTES), 0
            s.commit()
            raise refused from None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failed_logins, user.locked_until, user.last_login = 0, None, at
        return _account(user, role, at)


def change_password(store: Store, username: str, old: str, new: str) -> None:
    if len(new or "") < 10:
        raise ServiceError("kata sandi baru minimal 10 karakter")
    if new == old:
        raise ServiceError("kata sandi baru harus berbeda dari yang lama")
    authenticate(store, username, old)
    with store.session() as s:
        user = _user(s, username)
        user.password_hash, user.must_change = _hasher.hash(new), False


# -- sessions ------------------------------------------------------------------------------

def start_session(store: Store, user_id: int, at: datetime | None = None) -> tuple[str, str]:
    """A fresh session (never one the browser brought along): its cookie token and CSRF token."""
    at = at or now()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < at))
        s.add(WebSession(token_hash=_digest(token), user_id=user_id, csrf=csrf, created_at=at,
                         expires_at=at + timedelta(hours=SESSION_HOURS)))
    return token, csrf


def session_account(store: Store, token: str | None, at: datetime | None = None) -> tuple[Account, str] | None:
    """The account and CSRF token of a live session, or None."""
    if not token:
        return None
    at = at or now()
    with store.session() as s:
        row = s.execute(select(WebSession, User, Role).join(User, User.id == WebSession.user_id)
                        .join(Role, Role.name == User.role)
                        .where(WebSession.token_hash == _digest(token))).first()
        if row is None:
            return None
        sess, user, role = row
        if sess.expires_at < at or user.disabled:
            s.delete(sess)
            return None
        return _account(user, role, at), sess.csrf


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.session() as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def end_sessions_of(store: Store, user_id: int) -> None:
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.user_id == user_id))


# -- API tokens ----------------------------------------------------------------------------

def create_token(store: Store, username: str, name: str) -> str:
    """A token for scripts (``Authorization: Bearer …``), scoped like its user; shown once,
    kept only as a hash."""
    name = (name or "").strip()[:80] or "skrip"
    token = "ckp_" + secrets.token_urlsafe(32)
    with store.session() as s:
        user = _user(s, username)
        s.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token), created_at=now()))
    return token


def token_account(store: Store, token: str | None) -> Account | None:
    if not token:
        return None
    with store.session() as s:
        row = s.execute(select(ApiToken, User, Role).join(User, User.id == ApiToken.user_id)
                        .join(Role, Role.name == User.role)
                        .where(ApiToken.token_hash == _digest(token))).first()
        if row is None:
            return None
        tok, user, role = row
        if tok.revoked_at is not None or user.disabled:
            return None
        tok.last_used = now()
        return _account(user, role)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used: datetime | None


def tokens(store: Store, username: str | None = None) -> list[TokenInfo]:
    with store.session() as s:
        q = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
        if username:
            q = q.where(User.username == username.strip().lower())
        return [TokenInfo(t.id, u, t.name, t.created_at, t.revoked_at, t.last_used) for t, u in s.execute(q)]


def revoke_token(store: Store, token_id: int, username: str | None = None) -> None:
    """Revoke one token (of ``username`` only, when given)."""
    with store.session() as s:
        q = select(ApiToken).where(ApiToken.id == token_id)
        if username:
            q = q.join(User, User.id == ApiToken.user_id).where(User.username == username)
        tok = s.scalar(q)
        if tok is None:
            raise ServiceError(f"token {token_id} tidak ada")
        tok.revoked_at = tok.revoked_at or now()


# -- ownership of lists and cohorts -----------------------------------------------------------

def own_list(store: Store, source: str, username: str) -> None:
    """``username`` uploaded ``source`` (the first uploader owns it)."""
    with store.session() as s:
        if s.scalar(select(ListOwner).where(ListOwner.source == source, ListOwner.username == username)) is None:
            first = s.scalar(select(func.count()).select_from(ListOwner)
                             .where(ListOwner.source == source, ListOwner.owner.is_(True))) == 0
            s.add(ListOwner(source=source, username=username, owner=first))


def share_list(store: Store, source: str, username: str) -> None:
    with store.session() as s:
        _user(s, username)
        if s.scalar(select(ListOwner).where(ListOwner.source == source, ListOwner.username == username)) is None:
            s.add(ListOwner(source=source, username=username, owner=False))


def list_owners(store: Store, source: str) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(ListOwner.username).where(ListOwner.source == source,
                                                                ListOwner.owner.is_(True))))


def forget_list(store: Store, source: str) -> None:
    with store.session() as s:
        s.execute(delete(ListOwner).where(ListOwner.source == source))


def own_cohort(store: Store, cohort_id: str, username: str) -> None:
    with store.session() as s:
        s.add(CohortOwner(cohort_id=cohort_id, username=username, owner=True))


def _visible(store: Store, username: str) -> tuple[frozenset[str], frozenset[str]]:
    with store.session() as s:
        lists = frozenset(s.scalars(select(ListOwner.source).where(ListOwner.username == username)))
        cohorts = frozenset(s.scalars(select(CohortOwner.cohort_id).where(CohortOwner.username == username)))
    return lists, cohorts


# -- scope ---------------------------------------------------------------------------------

def branch_regencies(wh, branch: str) -> tuple[str, ...]:
    """The regencies a branch serves, from the warehouse's ``branches`` table."""
    if wh is None or not wh.has("branches"):
        return ()
    t = wh.table("branches")
    rows = wh.to_arrow(t.filter(t.branch_code == branch).select("regency_code").distinct()).to_pylist()
    return tuple(sorted(undotted(r["regency_code"]) for r in rows))


def scope_of(store: Store, account: Account, wh=None) -> Scope:
    """What ``account`` may see, derived from its role row and its own regions, branch, lists
    and cohorts. An unknown kind sees nothing."""
    who = account.username
    kind = account.scope_kind
    if kind == "all":
        return Scope(regions=None, personal_data=account.may_unmask, who=who)
    if kind == "office":
        return Scope(regions=account.regions or account.role_regions or (), personal_data=account.may_unmask,
                     sources=None if account.all_lists else frozenset(), who=who)
    if kind == "branch":
        return Scope(regions=branch_regencies(wh, account.branch or ""), personal_data=account.may_unmask,
                     sources=None if account.all_lists else frozenset(), who=who)
    if kind == "own":
        lists, cohorts = _visible(store, who)
        return Scope(regions=account.regions, personal_data=account.may_unmask, sources=lists,
                     cohorts=cohorts, who=who)
    # leads (agen), or anything else: no region, no list, no cohort
    return Scope(regions=(), personal_data=account.may_unmask, sources=frozenset(), cohorts=frozenset(),
                 who=who, leads_only=True)


def describe(account: Account) -> str:
    regions = ", ".join(dotted(c) for c in account.regions) or "-"
    return f"{account.username} ({account.role}; wilayah {regions}; cabang {account.branch or '-'})"
