"""Every write of the rosters app. Import from here: `from rosters.services import rotation_plan_publish`.

plans.py           drafting, editing and publishing the monthly roster
unavailability.py  leave, travel, meetings, off-post study (also written by the training app)
substitutions.py   替岗: filing (in effect at once) and reversing; approving, rejecting, withdrawing when approval is on
attendance.py      check-in (with the party badge of party members), absences at opening, the duty summary
oversight.py       the bureau leader's weekly patrol; the duty record written by the helpers, reviewed by the leader
"""

from .attendance import (
    checkin_deadline,
    checkin_lead,
    checkin_mark_absentees,
    checkin_record,
    checkin_status,
    duty_summary_file,
)
from .oversight import duty_record_edit, duty_record_review, duty_record_write, patrol_record_create
from .plans import (
    duty_day_create,
    duty_day_set_leader,
    duty_week_leader_set,
    help_area_turn_set,
    rotation_assignment_set,
    rotation_plan_generate,
    rotation_plan_publish,
    rotation_plan_regenerate,
)
from .substitutions import (
    needs_approval as substitution_needs_approval,
)
from .substitutions import (
    substitution_approve,
    substitution_reject,
    substitution_request,
    substitution_reverse,
    substitution_withdraw,
)
from .unavailability import unavailability_cancel, unavailability_record

__all__ = [
    "checkin_deadline",
    "checkin_lead",
    "checkin_mark_absentees",
    "checkin_record",
    "checkin_status",
    "duty_summary_file",
    "duty_record_edit",
    "duty_record_review",
    "duty_record_write",
    "patrol_record_create",
    "duty_day_create",
    "duty_day_set_leader",
    "duty_week_leader_set",
    "help_area_turn_set",
    "rotation_assignment_set",
    "rotation_plan_generate",
    "rotation_plan_publish",
    "rotation_plan_regenerate",
    "substitution_approve",
    "substitution_needs_approval",
    "substitution_reject",
    "substitution_request",
    "substitution_reverse",
    "substitution_withdraw",
    "unavailability_cancel",
    "unavailability_record",
]
