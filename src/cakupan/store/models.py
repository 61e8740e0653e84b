"""The app store's tables: what people write (accounts, roles, sessions, tokens, the audit
chain, review decisions, list ownership). Derived results stay in the warehouse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Role(Base):
    """A role as data: which regions its users see and whether they may unmask personal data.

    ``scope_kind`` says where a user's regions come from: ``all`` (every region), ``office``
    (the role's ``regions``, or the user's own), ``branch`` (the regencies of the user's
    branch in the warehouse's ``branches`` table), ``own`` (the user's regions, and only the
    lists and cohorts it owns or was shared), ``leads`` (only leads assigned to the user).
    """

    __tablename__ = "roles"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    scope_kind: Mapped[str] = mapped_column(String(10))
    regions: Mapped[str | None] = mapped_column(String(400), nullable=True)
    may_unmask: Mapped[bool] = mapped_column(Boolean, default=False)
    manages_users: Mapped[bool] = mapped_column(Boolean, default=False)
    all_lists: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"))
    regions: Mapped[str | None] = mapped_column(String(400), nullable=True)
    branch: Mapped[str | None] = mapped_column(String(40), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebSession(Base):
    """A server-side session: the cookie carries a random token, the store only its hash."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_used: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AuditRecord(Base):
    """One line of the append-only audit log; ``hash`` chains it to the line before."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(300))
    filters: Mapped[str] = mapped_column(Text)
    people: Mapped[int] = mapped_column(Integer)
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ListOwner(Base):
    """Who uploaded a partner list (by source name), and whom it is shared with."""

    __tablename__ = "list_access"
    __table_args__ = (UniqueConstraint("source", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(80), index=True)
    username: Mapped[str] = mapped_column(String(64))
    owner: Mapped[bool] = mapped_column(Boolean, default=False)


class CohortOwner(Base):
    __tablename__ = "cohort_access"
    __table_args__ = (UniqueConstraint("cohort_id", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[str] = mapped_column(String(16), index=True)
    username: Mapped[str] = mapped_column(String(64))
    owner: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewDecision(Base):
    """A reviewer's decision on a list identity and a NIK (one accepted NIK per identity)."""

    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("unique_id", "nik"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unique_id: Mapped[str] = mapped_column(String(80), index=True)
    nik: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(80))
    row_number: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)

