"""word-list entries added in the back-office

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "word_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word_list", sa.String(length=16), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column("meaning", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_word_list_entries_word_list", "word_list_entries", ["word_list"])


def downgrade() -> None:
    op.drop_table("word_list_entries")
