"""A small demo service, built from portalkit alone, that the library's tests run against."""

from __future__ import annotations

import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from portalkit.auth import current_principal, requires
from portalkit.db import new_metadata
from portalkit.events.envelope import Envelope
from portalkit.events.outbox import define_messaging_tables
from portalkit.problems import Problem
from portalkit.service import ServiceDefinition
from portalkit.trust import define_trust_tables
from portalkit.web import Blueprint, create_service_app, one_page, runtime

metadata = new_metadata()
define_messaging_tables(metadata)
define_trust_tables(metadata)
notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("text", sa.String(10), nullable=False),
)

blp = Blueprint("notes", __name__, url_prefix="/notes")


class NoteSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=10))


def requested_event(note_id: str) -> Envelope:
    return Envelope(
        id=str(uuid.uuid4()),
        type="apps.application.requested",
        occurred_at="2026-11-23T12:00:00Z",
        version=1,
        data={
            "application_id": note_id,
            "partner_id": "p1",
            "name": "demo",
            "contact_email": "demo@example.org",
            "apis": ["leerlingen"],
            "requested_by": "u1",
        },
    )


@blp.route("")
class Notes(MethodView):
    @blp.arguments(NoteSchema)
    @blp.response(201, NoteSchema)
    def post(self, body):
        note = {"id": str(uuid.uuid4()), "text": body["text"]}
        with runtime().unit_of_work() as uow:
            uow.session.execute(sa.insert(notes).values(**note))
            uow.publish(requested_event(note["id"]))
            uow.commit()
        return note


@blp.route("/pages")
class Pages(MethodView):
    @blp.response(200, NoteSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Notes by page, straight from the database (an offset it cannot hold would overflow)."""

        def search(offset, limit):
            with runtime().database.session() as session:
                query = sa.select(notes).order_by(notes.c.id).offset(offset).limit(limit)
                rows = [dict(row._mapping) for row in session.execute(query)]
                return rows, session.scalar(sa.select(sa.func.count()).select_from(notes))

        return one_page(pagination_parameters, search)


@blp.route("/by-number/<int:number>")
class ByNumber(MethodView):
    @blp.response(200)
    def get(self, number):
        with runtime().database.session() as session:
            return {"count": session.scalar(sa.select(sa.func.count()).select_from(notes).where(notes.c.id == number))}


@blp.route("/secure")
class Secure(MethodView):
    @requires("moderator")
    @blp.response(200)
    def get(self):
        return {"sub": current_principal().subject}


@blp.route("/boom")
class Boom(MethodView):
    @blp.response(200)
    def get(self):
        raise RuntimeError("password=hunter2 leaked?")


@blp.route("/conflict")
class Conflict(MethodView):
    @blp.response(200)
    def get(self):
        raise Problem(409, "problem.not_found")


def create_demo_app(config=None, runtime=None):
    return create_service_app(runtime, import_name=__name__, title="Demo", blueprints=[blp])


DEMO = ServiceDefinition(name="demo", package="demo", metadata=metadata, create_app=create_demo_app)
