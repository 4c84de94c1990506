"""Book an appointment for an inquiry's citizen: free slots in the working
hours of the queue's members (or one of them), their calendars' busy times
left out, and one click books it."""

from datetime import datetime, time, timedelta

from markupsafe import Markup
from pytz import timezone, utc

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime

# Slots start on the quarter hour.
SLOT_STEP = timedelta(minutes=15)
# How far ahead slots are looked for, and how many are offered.
SEARCH_DAYS = 14
MAX_SLOTS = 40


class CitizenAppointmentBook(models.TransientModel):
    _name = "citizen.appointment.book"
    _description = "Book an Appointment"

    inquiry_id = fields.Many2one("citizen.inquiry", required=True, readonly=True)
    partner_id = fields.Many2one(related="inquiry_id.partner_id", string="Citizen")
    queue_id = fields.Many2one(
        "citizen.queue",
        string="With",
        required=True,
        compute="_compute_queue_id",
        store=True,
        readonly=False,
        help="The servicetorg or department the citizen meets.",
    )
    member_ids = fields.Many2many(related="queue_id.member_ids")
    user_id = fields.Many2one(
        "res.users",
        string="Staff Member",
        domain="[('id', 'in', member_ids)]",
        help="Leave empty to see the free times of every member of the queue.",
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today
    )
    duration = fields.Float(
        string="Length",
        compute="_compute_duration",
        store=True,
        readonly=False,
        help="In hours: the queue's appointment length unless changed.",
    )
    slot_ids = fields.One2many("citizen.appointment.slot", "wizard_id", string="Slots")
    invitation_note = fields.Char(compute="_compute_invitation_note")

    @api.depends("inquiry_id")
    def _compute_queue_id(self):
        for wizard in self:
            wizard.queue_id = wizard.inquiry_id.queue_id

    @api.depends("queue_id")
    def _compute_duration(self):
        for wizard in self:
            wizard.duration = wizard.queue_id.appointment_duration or 0.5

    @api.depends("inquiry_id")
    def _compute_invitation_note(self):
        for wizard in self:
            reason = wizard._citizen_no_invitation_reason()
            wizard.invitation_note = (
                self.env._(
                    "The citizen gets no e-mail invitation: %(reason)s", reason=reason
                )
                if reason
                else self.env._(
                    "The citizen gets an invitation and a reminder by e-mail."
                )
            )

    def _citizen_no_invitation_reason(self):
        """Why the citizen of ``self`` may not get the invitation by e-mail,
        or False: they are told by letter or phone then."""
        self.ensure_one()
        partner = self.inquiry_id.partner_id
        _ = self.env._
        if not partner:
            return _("the inquiry has no citizen.")
        if partner._citizen_is_protected():
            return _(
                "the citizen's address is protected: the privacy officer tells them."
            )
        if partner._citizen_no_automatic_mail():
            return _("the citizen is registered as deceased.")
        if partner._citizen_letters_only():
            return _("the citizen is reserved against digital contact: send a letter.")
        if not partner.email:
            return _("the citizen has no e-mail address: call or write to them.")
        return False

    # ------------------------------------------------------------
    # Free slots
    # ------------------------------------------------------------

    def action_find_slots(self):
        self.ensure_one()
        slots = self._citizen_free_slots()
        self.slot_ids = [Command.clear()] + [
            Command.create({"start": start, "stop": stop, "user_id": user.id})
            for start, stop, user in slots
        ]
        if not slots:
            raise UserError(
                self.env._(
                    "No free time in the next %(days)s days: choose another staff "
                    "member or a later date.",
                    days=SEARCH_DAYS,
                )
            )
        return self._citizen_reopen()

    def _citizen_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book an Appointment"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _citizen_free_slots(self):
        """[(start, stop, user)], naive UTC, sorted: the first MAX_SLOTS free
        times of the length asked for, from the date asked for, in each
        staff member's working hours (their own calendar, or the
        municipality's with its public holidays) and outside their busy
        calendar events."""
        self.ensure_one()
        staff = self.user_id or self.queue_id.member_ids
        if not staff:
            raise UserError(
                self.env._(
                    "The queue %(queue)s has no members.", queue=self.queue_id.name
                )
            )
        length = timedelta(hours=self.duration)
        if length <= timedelta(0):
            raise UserError(self.env._("An appointment needs a length."))
        now = fields.Datetime.now()
        # Whole UTC days, so that the calendar's cached intervals serve
        # every booking of the day.
        window_start = datetime.combine(self.date_from, time.min) - timedelta(days=1)
        window_end = window_start + timedelta(days=SEARCH_DAYS + 2)
        earliest = max(now, self._citizen_local_midnight(self.date_from))
        busy = self._citizen_busy_times(staff, earliest, window_end)
        company_calendar = self.inquiry_id.company_id.resource_calendar_id
        slots = []
        for user in staff:
            calendar = user.sudo().resource_calendar_id or company_calendar
            if not calendar:
                continue
            user_busy = busy.get(user, [])
            for start, stop, _day in calendar._citizen_work_intervals(
                window_start, window_end
            ):
                moment = self._citizen_round_up(max(start, earliest))
                while moment + length <= stop:
                    clash = next(
                        (
                            b
                            for b in user_busy
                            if b[0] < moment + length and b[1] > moment
                        ),
                        None,
                    )
                    if clash:
                        moment = self._citizen_round_up(clash[1])
                        continue
                    slots.append((moment, moment + length, user))
                    moment += length
        slots.sort(key=lambda slot: (slot[0], slot[2].name or ""))
        return slots[:MAX_SLOTS]

    def _citizen_local_midnight(self, day):
        """Midnight of ``day`` in the municipality's time zone, naive UTC."""
        tz = timezone(
            self.inquiry_id.company_id.resource_calendar_id.tz
            or self.env.user.tz
            or "UTC"
        )
        return (
            tz.localize(datetime.combine(day, time.min))
            .astimezone(utc)
            .replace(tzinfo=None)
        )

    @api.model
    def _citizen_round_up(self, moment):
        """``moment`` rounded up to the next SLOT_STEP."""
        if moment.microsecond:
            moment = moment.replace(microsecond=0) + timedelta(seconds=1)
        rest = (moment.minute * 60 + moment.second) % int(SLOT_STEP.total_seconds())
        return (
            moment + timedelta(seconds=SLOT_STEP.total_seconds() - rest)
            if rest
            else moment
        )

    @api.model
    def _citizen_busy_times(self, staff, begin, end):
        """{user: [(start, stop)]}: the busy calendar events of ``staff``
        between ``begin`` and ``end`` (declined invitations left out)."""
        # sudo: only the times of the staff's busy events leave this method
        # (free/busy, as the calendar shows another's private event), never
        # their subject or attendees.
        attendees = (
            self.env["calendar.attendee"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", staff.partner_id.ids),
                    ("state", "!=", "declined"),
                    ("event_id.start", "<", end),
                    ("event_id.stop", ">", begin),
                    ("event_id.show_as", "=", "busy"),
                ]
            )
        )
        user_by_partner = {user.partner_id: user for user in staff}
        busy = {}
        for attendee in attendees:
            user = user_by_partner[attendee.partner_id]
            busy.setdefault(user, []).append(
                (attendee.event_id.start, attendee.event_id.stop)
            )
        return busy

    # ------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------

    def _citizen_book(self, slot):
        """Book ``slot`` for the inquiry's citizen: a calendar event with the
        staff member and the citizen, linked to the inquiry, an invitation
        and an e-mail reminder the day before to the citizen where they may
        have one, and a note on the inquiry."""
        self.ensure_one()
        inquiry = self.inquiry_id
        inquiry.check_access("write")
        partner = inquiry.partner_id
        # Only a member of the queue is booked (the slot is a record the
        # user could have written themselves).
        if slot.user_id not in self.queue_id.member_ids or slot.stop <= slot.start:
            raise UserError(
                self.env._(
                    "Choose one of the free times found for the queue's members."
                )
            )
        # The slot may have been taken since it was offered.
        if any(
            b[0] < slot.stop and b[1] > slot.start
            for b in self._citizen_busy_times(slot.user_id, slot.start, slot.stop).get(
                slot.user_id, []
            )
        ):
            raise UserError(
                self.env._("This time was just taken: find the free times again.")
            )
        reason = self._citizen_no_invitation_reason()
        alarms = self.env.ref("calendar.alarm_notif_3")
        if not reason:
            alarms |= self.env.ref("citizen_crm_calendar.alarm_mail_1_day")
        title = inquiry._citizen_public_title()
        # sudo: a private event (confidential inquiry, protected citizen) in
        # another staff member's calendar is theirs alone, and Calendar lets
        # no one else finish creating it. The booker may write the inquiry
        # (checked above) and books a free time of a member of the queue
        # they chose; the event holds the inquiry's public title only. The
        # booker stays its author (sudo keeps the uid).
        event = (
            self.env["calendar.event"]
            .sudo()
            .with_context(no_mail_to_attendees=bool(reason))
            .create(
                {
                    "name": self.env._(
                        "Appointment: %(number)s %(title)s",
                        number=inquiry.number,
                        title=title,
                    ),
                    "start": slot.start,
                    "stop": slot.stop,
                    "user_id": slot.user_id.id,
                    "partner_ids": [
                        Command.set((slot.user_id.partner_id | partner).ids)
                    ],
                    "location": self.queue_id.appointment_location or False,
                    "alarm_ids": [Command.set(alarms.ids)],
                    # Others see only "busy": the subject of a confidential
                    # inquiry, or that a protected citizen comes at this
                    # time and place, is not theirs to read.
                    "privacy": "private"
                    if inquiry.is_confidential or partner._citizen_is_protected()
                    else "public",
                    "res_model_id": self.env["ir.model"]._get_id("citizen.inquiry"),
                    "res_id": inquiry.id,
                    "citizen_inquiry_id": inquiry.id,
                    "citizen_partner_id": partner.id,
                }
            )
        )
        when = format_datetime(self.env, slot.start, dt_format="short")
        message = self.env._(
            "Appointment booked with %(user)s on %(when)s.",
            user=slot.user_id.name,
            when=when,
        )
        if reason:
            message = f"{message} {self.env._('No e-mail invitation')}: {reason}"
        inquiry.message_post(
            body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note"
        )
        return event


class CitizenAppointmentSlot(models.TransientModel):
    _name = "citizen.appointment.slot"
    _description = "Free Appointment Time"
    _order = "start, id"

    wizard_id = fields.Many2one(
        "citizen.appointment.book", required=True, ondelete="cascade"
    )
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    user_id = fields.Many2one("res.users", string="Staff Member", required=True)

    def action_book(self):
        self.ensure_one()
        event = self.wizard_id._citizen_book(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Appointment booked: %(name)s", name=event.display_name
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
