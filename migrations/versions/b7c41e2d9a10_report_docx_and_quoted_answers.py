"""reports as Word documents; answers a facilitator chose to quote

Revision ID: b7c41e2d9a10
Revises: e1603491bbe6
Create Date: 2026-12-04 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c41e2d9a10'
down_revision = 'e1603491bbe6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('free_text_tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quoted', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('report_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_files_format_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_report_files_format_known'),
                                         "format IN ('html', 'pdf', 'xlsx', 'csv', 'docx')")


def downgrade():
    op.execute("DELETE FROM report_files WHERE format = 'docx'")
    with op.batch_alter_table('report_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_files_format_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_report_files_format_known'),
                                         "format IN ('html', 'pdf', 'xlsx', 'csv')")
    with op.batch_alter_table('free_text_tags', schema=None) as batch_op:
        batch_op.drop_column('quoted')
