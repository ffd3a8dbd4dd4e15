import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the app's loggers (audit, tests' caplog) working after a migration in-process. Where
# logging is set up already (a test run, a server) leave it be: the ini's console handler would
# keep the sys.stderr of this moment, which under pytest is a capture that is closed later.
if not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    # All or nothing: the whole run is one transaction, so an upgrade that is stopped (Ctrl-C, a
    # killed process, a full disk) or fails halfway leaves the database at the revision it had,
    # without a half-copied table (a batch migration's _alembic_tmp_*) or a column added twice.
    options = dict(conf_args, target_metadata=get_metadata(), transactional_ddl=True,
                   transaction_per_migration=False)

    with get_engine().connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_sqlite_migrations(connection, options)
            return
        # PostgreSQL has transactional DDL: one transaction around every migration of the run.
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


def _run_sqlite_migrations(connection, options):
    """SQLite can roll back DDL too, but pysqlite gets in the way: it begins a transaction only
    before INSERT, UPDATE and DELETE, so the CREATE TABLE of a batch migration's copy was committed
    at once (Alembic assumes "non-transactional DDL" on SQLite). With pysqlite's own transaction
    handling off (isolation_level None, SQLAlchemy's recipe for SQLite's transactional DDL) this
    run says BEGIN itself, and the run's every statement is in that one transaction."""
    driver = connection.connection.driver_connection
    isolation_level = driver.isolation_level
    # A batch migration rebuilds a table (copy, drop, rename): with foreign keys enforced, dropping
    # a table other rows point at fails. Off for the migration (SQLite ignores the pragma inside a
    # transaction, so before it), checked in the transaction and on again after.
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()  # the statement began a transaction of SQLAlchemy's own: end it
    # Only with no transaction open: pysqlite commits an open one when isolation_level becomes None.
    driver.isolation_level = None
    try:
        with connection.begin():  # SQLAlchemy's transaction: commits at the end, rolls back on any error
            # IMMEDIATE: the write lock now, not at the first change (another writer then could
            # make the run fail halfway with "database is locked").
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            # Configured inside the transaction, Alembic leaves it to this function (no commit of its own).
            context.configure(connection=connection, **options)
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:  # rolled back with the rest
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        # An interrupt during a statement makes SQLAlchemy close the driver's connection (SQLite
        # then drops the transaction): nothing to put back, and the pool opens a new one.
        if not connection.invalidated:
            if connection.in_transaction():
                connection.rollback()
            driver.isolation_level = isolation_level
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
