"""Input and output schemas of the work-order API. Inputs are what a client may send, with limits;
outputs are built by ``api.render`` from the gate's view of an order (caller data via
``caller_for_user``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from hotline.tokens.api.params import MAX_ID, Id

Version = Field(
    None, ge=1, le=MAX_ID, description="the order's version as last read; a stale version answers 409"
)
UnitChoice = Field(None, ge=1, le=MAX_ID, description="the unit you act for, when you may act for several")
Text = Field(..., min_length=1, max_length=5000)


# ---------------------------------------------------------------------------------------------- inputs


class CallerIn(Schema):
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    company: str = Field("", max_length=100)
    confidential: bool = False
    anonymous: bool = False


class WorkOrderCreateIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., min_length=1, max_length=10000)
    channel: str = Field(
        ..., min_length=1, max_length=32, description="a channel code, e.g. phone, app, partner"
    )
    type: str = Field(..., min_length=1, max_length=16, description="consult, help, complaint, report, ...")
    caller: CallerIn = Field(default_factory=lambda: CallerIn.model_validate({}))
    location: str = Field("", max_length=300, description="where the matter is, in words")
    category: int | None = Field(None, ge=1, le=MAX_ID, description="category id")
    division: int | None = Field(None, ge=1, le=MAX_ID, description="division id")
    urgency: str = Field("normal", max_length=16)
    hotline_number: str = Field("12345", max_length=20, description="the number dialled (a merged hotline)")
    external_id: str = Field(
        "",
        max_length=64,
        description="a partner system's own reference; a partner's push is idempotent by it",
    )
    publish_consent: bool = True
    accept: bool = Field(True, description="staff: accept at once (False leaves it in the intake queue)")
    call_id: str = Field("", max_length=64, description="the telephony call the order was taken on")


class WorkOrderUpdateIn(Schema):
    """Only the fields sent are changed."""

    version: int | None = Version
    comment: str = Field("", max_length=2000)
    title: str | None = Field(None, min_length=1, max_length=200)
    type: str | None = Field(None, max_length=16)
    category: int | None = Field(None, ge=1, le=MAX_ID)
    urgency: str | None = Field(None, max_length=16)
    division: int | None = Field(None, ge=1, le=MAX_ID)
    location: str | None = Field(None, max_length=300)
    publish_consent: bool | None = None


class VersionIn(Schema):
    version: int | None = Version


class CommentIn(VersionIn):
    comment: str = Field("", max_length=5000)


class ReasonCommentIn(VersionIn):
    comment: str = Field(..., min_length=1, max_length=5000)


class AnswerIn(VersionIn):
    answer: str = Text
    knowledge_ref: str = Field("", max_length=64)


class RejectIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=32, description="a rejection reason code")
    comment: str = Field("", max_length=5000)
    transfer_to: str = Field("", max_length=8, description="110, 119, 120 or 122 for an emergency")


class MergeIn(VersionIn):
    master: str = Field(..., min_length=1, max_length=20, description="number of the master order")
    comment: str = Field("", max_length=5000)


class DispatchIn(VersionIn):
    lead: int = Field(..., ge=1, le=MAX_ID, description="lead unit id")
    assists: list[Id] = Field(default_factory=list, max_length=20, description="assisting unit ids")
    instructions: str = Field("", max_length=5000)


class InstructIn(VersionIn):
    instruction: str = Text


class UnitActionIn(VersionIn):
    unit: int | None = UnitChoice


class ReturnIn(UnitActionIn):
    reason: str = Text


class ExtensionRequestIn(UnitActionIn):
    until: dt.datetime
    reason: str = Text


class TextIn(UnitActionIn):
    text: str = Text


class NoteIn(TextIn):
    public: bool = Field(True, description="a public note counts as progress reported to the caller")


class CommitIn(TextIn):
    until: dt.datetime


class ReplyIn(TextIn):
    solved: bool


class CallbackIn(VersionIn):
    satisfaction: str = Field(..., max_length=16, description="satisfied, basically or dissatisfied")
    solved: bool
    comment: str = Field("", max_length=5000)


class CloseIn(VersionIn):
    reason: str = Field("", max_length=64)
    comment: str = Field("", max_length=5000)


class RemindIn(Schema):
    comment: str = Field("", max_length=5000)
    unit: int | None = Field(None, ge=1, le=MAX_ID)


class SuperviseIn(Schema):
    comment: str = Text
    respond_by: dt.datetime | None = None
    unit: int | None = Field(None, ge=1, le=MAX_ID)


# --------------------------------------------------------------------------------------------- outputs


class Ref(Schema):
    id: int
    code: str
    name: str


class CallerOut(Schema):
    name: str
    phone: str
    company: str
    confidential: bool
    anonymous: bool
    hidden: bool = Field(description="true when you may not know who the caller is")


class AssignmentOut(Schema):
    id: int
    unit: Ref
    role: str
    state: str
    round: int
    dispatched_at: dt.datetime
    sign_due_at: dt.datetime | None
    return_due_at: dt.datetime | None
    due_at: dt.datetime | None
    committed_until: dt.datetime | None
    signed_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_reason: str
    done_at: dt.datetime | None
    result: str
    solved: bool | None


class WorkOrderSummaryOut(Schema):
    number: str
    status: str
    version: int
    title: str
    channel: str
    type: str
    urgency: str
    category: Ref | None
    division: Ref | None
    hotline_number: str
    received_at: dt.datetime
    dispatch_due_at: dt.datetime | None
    closed_at: dt.datetime | None


class WorkOrderCreatedOut(Schema):
    number: str
    status: str
    version: int
    received_at: dt.datetime
    dispatch_due_at: dt.datetime | None
    query_code: str = Field(description="for the caller to track the order on the portal")
    created: bool = Field(description="false when a partner's reference was already pushed")


class WorkOrderOut(WorkOrderSummaryOut):
    content: str
    location: str
    caller: CallerOut
    publish_consent: bool
    external_id: str
    source_system: str
    answer: str
    rejection_reason: str
    master: str | None
    satisfaction: str
    solved: bool | None
    reopen_count: int
    progress_due_at: dt.datetime | None
    progress_reported_at: dt.datetime | None
    assignments: list[AssignmentOut]
    allowed_actions: list[str] = Field(description="actions the status allows and your role may take")


class WorkOrderPageOut(Schema):
    items: list[WorkOrderSummaryOut]
    next_cursor: str | None


class EventOut(Schema):
    seq: int
    action: str
    at: dt.datetime
    actor: str
    actor_unit: str
    unit: str = Field(description="the unit whose assignment the event concerns")
    from_status: str
    to_status: str
    reason: str
    comment: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    public: bool


class ExtensionOut(Schema):
    id: int
    order: str
    unit: Ref
    requested_due_at: dt.datetime
    reason: str
    requested_at: dt.datetime
    decision: str


class AssignmentRowOut(Schema):
    assignment: AssignmentOut
    order: WorkOrderSummaryOut


class AssignmentPageOut(Schema):
    items: list[AssignmentRowOut]
    next_cursor: str | None


class ReturnedOrderOut(WorkOrderSummaryOut):
    return_count: int
    returning_units: int


class ReturnedPageOut(Schema):
    items: list[ReturnedOrderOut]
    next_cursor: str | None
