"""structured fees on submission channels

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


EMPTY = sa.text("'[]'")
LISTS = ("fee_items", "fee_remarks", "fee_references")


def upgrade() -> None:
    """Rows stored before get empty lists and no kind: answers read their fee text until the
    next import structures them."""
    with op.batch_alter_table("submission_channels") as batch:
        batch.add_column(sa.Column("fee_kind", sa.String(length=16), nullable=True))
        for name in LISTS:
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default=EMPTY))


def downgrade() -> None:
    with op.batch_alter_table("submission_channels") as batch:
        batch.drop_column("fee_references")
        batch.drop_column("fee_remarks")
        batch.drop_column("fee_items")
        batch.drop_column("fee_kind")
