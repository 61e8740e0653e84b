"""Accounts, roles (seeded as rows), sessions, API tokens, the append-only audit log,
review decisions, list and cohort ownership.

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa

# the roles as first shipped (a later migration changes them, never this one)
ROLES = (
    # name, label, scope_kind, regions, may_unmask, manages_users, all_lists
    ("admin", "Administrator: semua wilayah dan pengelolaan pengguna", "all", None, True, True, True),
    ("analis", "Analis kantor wilayah: semua wilayah kantor", "office", "33,34", False, False, True),
    ("cabang", "Kantor cabang: kabupaten/kota yang dilayani cabangnya", "branch", None, True, False, True),
    ("mitra", "Mitra: kabupaten/kotanya, daftar dan kohort miliknya", "own", None, False, False, False),
    ("agen", "Agen lapangan: hanya prospek yang ditugaskan kepadanya", "leads", None, True, False, False),
)


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('route', sa.String(length=300), nullable=False),
    sa.Column('filters', sa.Text(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('cohort_access',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cohort_id', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cohort_id', 'username')
    )
    op.create_index(op.f('ix_cohort_access_cohort_id'), 'cohort_access', ['cohort_id'], unique=False)
    op.create_table('list_access',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'username')
    )
    op.create_index(op.f('ix_list_access_source'), 'list_access', ['source'], unique=False)
    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unique_id', sa.String(length=80), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unique_id', 'nik')
    )
    op.create_index(op.f('ix_review_decisions_unique_id'), 'review_decisions', ['unique_id'], unique=False)
    op.create_table('roles',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('regions', sa.String(length=400), nullable=True),
    sa.Column('may_unmask', sa.Boolean(), nullable=False),
    sa.Column('manages_users', sa.Boolean(), nullable=False),
    sa.Column('all_lists', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('regions', sa.String(length=400), nullable=True),
    sa.Column('branch', sa.String(length=40), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('must_change', sa.Boolean(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['role'], ['roles.name'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index(op.f('ix_sessions_user_id'), 'sessions', ['user_id'], unique=False)

    roles = sa.table("roles", sa.column("name", sa.String), sa.column("label", sa.String),
                     sa.column("scope_kind", sa.String), sa.column("regions", sa.String),
                     sa.column("may_unmask", sa.Boolean), sa.column("manages_users", sa.Boolean),
                     sa.column("all_lists", sa.Boolean))
    op.bulk_insert(roles, [dict(zip(("name", "label", "scope_kind", "regions", "may_unmask", "manages_users",
                                     "all_lists"), r)) for r in ROLES])
    # the audit log is append-only: the database itself refuses to change or remove a line
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_index(op.f('ix_sessions_user_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('roles')
    op.drop_index(op.f('ix_review_decisions_unique_id'), table_name='review_decisions')
    op.drop_table('review_decisions')
    op.drop_index(op.f('ix_list_access_source'), table_name='list_access')
    op.drop_table('list_access')
    op.drop_index(op.f('ix_cohort_access_cohort_id'), table_name='cohort_access')
    op.drop_table('cohort_access')
    op.drop_table('audit_log')
