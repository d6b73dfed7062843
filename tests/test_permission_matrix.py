"""Permission matrix: every URL of the project × every role, with the expected status of each cell.

MATRIX below is the table, one row per URL: keys are URL names (``namespace:name``), with ``[variant]`` when a URL
is requested more than once (another object, a POST beside the GET, one action of an ``<action>`` segment, a
``?centre=`` of the first district). How each row is requested — path arguments, method, which row a refused
POST must leave alone, who may see personal data in it — is in ``tests/permission_matrix_data.py`` (TARGETS),
beside the small world the requests run in. `test_every_url_pattern_has_a_row` fails when a URL pattern has no
row, so a new URL cannot slip past the matrix.

Columns: anonymous; front desk; duty leader; supervisor; department user; admin (role "admin", is_staff); other
centre (a supervisor of another district: every object of the first district is a 404 to them).

Every cell checks:
- the status is the one in the table (302 for anonymous is the redirect to the login page);
- nothing answers 5xx, whatever the role and however empty the POST;
- a refused POST (403/404/405, or anonymous on a staff URL) changed nothing: the watched row and the row count of
  every table of the project's apps are as they were;
- the body — HTML, JSON, CSV, the text of PDFs, the files inside xlsx and zip — shows no other district's request
  numbers, applicant or staff names (admins see every centre), and no applicant's full ID number, phone or
  address unless the row lets that role see them: the dedicated helper and supervisors, on the request itself.

Requests that the role may make are sent with empty input: other tests send valid data; here they must end in a
4xx, a redirect, or a 2xx where the action takes no input. To see what the code answers for rows being added, run with PERMISSION_MATRIX_PROBE=<file>:
every cell's status and leaks are written to the file as JSON lines instead of being asserted.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.views.static import serve as static_serve

from hallservice.celery import app as celery_app
from supervision.figures import refresh_figures
from supervision.ledger_gaps import refresh_gaps

from .permission_matrix_data import (
    COMPLAINT_PHONE,
    NOW,
    OT_ID,
    OT_PHONE,
    TARGETS,
    XH_ADDRESS,
    XH_ID,
    XH_PHONE,
    build_world,
)

ROLES = ("anonymous", "front_desk", "duty_leader", "supervisor", "department_user", "admin", "other_centre")


def row(anonymous, front_desk, duty_leader, supervisor, department_user, admin, other_centre) -> dict[str, int]:
    cells = (anonymous, front_desk, duty_leader, supervisor, department_user, admin, other_centre)
    return dict(zip(ROLES, cells, strict=True))


# Reading a row: 200 the page, 201/204 done; 302 for anonymous the login redirect, for staff a redirect after the
# action (done, or refused by the state with a message); 400 the empty input refused; 403 the role may not;
# 404 not theirs to see (another centre's object, a draft, someone else's paper); 405 the method is not offered;
# 409 the object's state does not allow it now; 401 anonymous on the API (token authentication asks for credentials).
# fmt: off
MATRIX: dict[str, dict[str, int]] = {
    # Columns: anonymous, front desk, duty leader, supervisor, department user, admin, other centre.
    # --- Site
    "home":                                  row(302, 200, 200, 200, 200, 200, 200),
    "healthz":                               row(200, 200, 200, 200, 200, 200, 200),
    "sms-callback":                          row(403, 403, 403, 403, 403, 403, 403),
    "login":                                 row(200, 302, 302, 302, 302, 302, 302),
    "logout":                                row(302, 302, 302, 302, 302, 302, 302),
    "password-change":                       row(302, 200, 200, 200, 200, 200, 200),
    "password-change[post]":                 row(302, 400, 400, 400, 400, 400, 400),
    "api-schema":                            row(401, 200, 200, 200, 200, 200, 200),
    "api-docs":                              row(302, 200, 200, 200, 200, 200, 200),
    # --- Requests: catalogue, queue, registration, the request page and its actions, documents, consultations
    "requests:matter-list":                           row(302, 200, 200, 200, 200, 200, 200),
    "requests:matter-detail":                         row(302, 200, 200, 200, 200, 200, 200),
    "requests:matter-search":                         row(302, 200, 200, 200, 200, 200, 200),
    "requests:matter-materials":                      row(302, 200, 200, 200, 200, 200, 200),
    "requests:queue":                         row(302, 200, 200, 200, 200, 200, 200),
    "requests:queue[xh]":                     row(302, 200, 200, 200, 200, 200, 200),
    "requests:queue[full-id]":                row(302, 302, 302, 302, 302, 302, 302),
    "requests:lookup":                        row(302, 403, 403, 302, 403, 403, 302),
    "requests:register":                      row(302, 200, 200, 403, 403, 403, 403),
    "requests:register[post]":                row(302, 400, 400, 403, 403, 403, 403),
    "requests:ledger":                        row(302, 200, 200, 200, 200, 200, 200),
    "requests:ledger[xlsx]":                  row(302, 200, 200, 200, 200, 200, 200),
    "requests:detail":                        row(302, 200, 200, 200, 200, 200, 404),
    "requests:detail[own]":                   row(302, 200, 200, 200, 200, 200, 404),
    "requests:detail[town]":                  row(302, 404, 404, 200, 404, 200, 404),
    "requests:archive-zip":                   row(302, 200, 200, 200, 200, 200, 404),
    "requests:document-issue":                        row(302, 302, 302, 403, 403, 403, 404),
    "requests:document-download":                     row(302, 200, 200, 200, 200, 200, 404),
    "requests:document-download[signing]":            row(302, 404, 404, 200, 404, 404, 404),
    "requests:signature-upload":                      row(302, 400, 400, 403, 403, 403, 404),
    "requests:signature-pad":                         row(302, 200, 200, 403, 403, 403, 404),
    "requests:signature-pad[post]":                   row(302, 400, 400, 403, 403, 403, 404),
    "requests:signature-download":                    row(302, 200, 200, 200, 200, 200, 404),
    "requests:signature-download[scan]":              row(302, 404, 404, 200, 404, 404, 404),
    "requests:blank-forms":                           row(302, 200, 200, 200, 200, 200, 200),
    "requests:blank-form":                            row(302, 200, 200, 200, 200, 200, 200),
    "requests:ledger-pdf":                            row(302, 200, 200, 200, 200, 200, 200),
    "requests:ledger-pdf[post]":                      row(302, 400, 400, 400, 400, 400, 400),
    "requests:ledger-export":                         row(302, 200, 404, 404, 404, 404, 404),
    "requests:ledger-export-download":                row(302, 200, 404, 404, 404, 404, 404),
    "requests:key-projects":                          row(302, 200, 200, 200, 200, 200, 200),
    "requests:key-projects[post]":                    row(302, 403, 400, 400, 403, 403, 400),
    "requests:key-project-detail":                    row(302, 200, 200, 200, 200, 200, 404),
    "requests:key-project-designate":                 row(302, 403, 403, 403, 403, 403, 404),
    "requests:consultations":                         row(302, 200, 200, 200, 200, 200, 200),
    "requests:consultation-create":                   row(302, 200, 200, 403, 403, 403, 403),
    "requests:consultation-create[post]":             row(302, 400, 400, 403, 403, 403, 403),
    # 首问负责 (issue 18 item 3): the owner, a duty leader or a supervisor answers and hands over; the matrix's
    # consultation names no matter, so its one-time notice is a 409. The record exports what the user sees.
    "requests:consultation-answer":                   row(302, 400, 400, 400, 403, 403, 404),
    "requests:consultation-detail":                   row(302, 200, 200, 200, 200, 200, 404),
    "requests:consultation-handover":                 row(302, 400, 400, 400, 403, 403, 404),
    "requests:consultation-notice":                   row(302, 409, 409, 409, 403, 403, 404),
    "requests:consultation-record":                   row(302, 200, 200, 200, 200, 200, 200),
    "requests:consultation-record[pdf]":              row(302, 200, 200, 200, 200, 200, 200),
    # Appointments (issue 19): the front desk and duty leaders check bookings in at their centre; the supervision
    # section (and admins) set the places, each for the centres they see (OT's supervisor sees OT's page, not XH's).
    "requests:appointments":                          row(302, 200, 200, 403, 403, 403, 403),
    "requests:appointments[code]":                    row(302, 200, 200, 403, 403, 403, 403),
    "requests:appointment-check-in":                  row(302, 302, 302, 403, 403, 403, 403),
    "requests:appointment-no-show":                   row(302, 302, 302, 403, 403, 403, 403),
    "requests:appointment-ticket":                    row(302, 200, 200, 403, 403, 403, 403),
    "requests:appointment-capacity":                  row(302, 403, 403, 200, 403, 200, 200),
    "requests:appointment-capacity[xh]":              row(302, 403, 403, 200, 403, 200, 404),
    "requests:appointment-capacity[post]":            row(302, 403, 403, 400, 403, 400, 400),
    "requests:act[accept]":                   row(302, 400, 400, 403, 403, 403, 404),
    "requests:act[start]":                    row(302, 302, 302, 403, 403, 403, 404),
    "requests:act[log_work]":                 row(302, 400, 400, 403, 403, 403, 404),
    "requests:act[claim_task]":               row(302, 403, 403, 403, 400, 403, 404),
    "requests:act[record_joint_meeting]":     row(302, 403, 400, 400, 403, 403, 404),
    "requests:act[reassign]":                 row(302, 403, 400, 400, 403, 403, 404),
    "requests:act[decide_extension]":         row(302, 403, 403, 400, 403, 403, 404),
    "requests:act[link_key_project]":         row(302, 403, 400, 400, 403, 403, 404),
    "requests:act[link_key_project][foreign]": row(302, 404, 404, 404, 404, 403, 400),
    "requests:act[mark_urgent]":              row(302, 400, 400, 400, 403, 403, 404),
    "requests:act[follow_up]":                row(302, 403, 403, 400, 403, 403, 404),
    "requests:act[record_follow_up]":         row(302, 400, 400, 403, 403, 403, 404),
    "requests:act[archive]":                  row(302, 409, 409, 403, 403, 403, 404),
    # --- Complaints and poor ratings
    "complaints:list":                       row(302, 403, 200, 200, 403, 403, 200),
    "complaints:create":                     row(302, 200, 200, 200, 403, 403, 200),
    "complaints:create[post]":               row(302, 400, 400, 400, 403, 403, 400),
    "complaints:dashboard":                  row(302, 403, 200, 200, 403, 403, 200),
    "complaints:detail":                     row(302, 403, 200, 200, 403, 403, 404),
    "requests:evaluations":                           row(302, 200, 200, 200, 403, 403, 200),
    "complaints:act[accept]":                row(302, 403, 403, 302, 403, 403, 404),
    "complaints:act[reject]":                row(302, 403, 403, 400, 403, 403, 404),
    "complaints:act[investigate]":           row(302, 403, 403, 409, 403, 403, 404),
    "complaints:act[respond]":               row(302, 403, 403, 409, 403, 403, 404),
    "complaints:act[record_feedback]":       row(302, 403, 403, 409, 403, 403, 404),
    "complaints:act[close]":                 row(302, 403, 403, 409, 403, 403, 404),
    "complaints:act[reopen]":                row(302, 403, 403, 409, 403, 403, 404),
    "complaints:act[link]":                  row(302, 403, 403, 302, 403, 403, 404),
    "complaints:act[note]":                  row(302, 403, 403, 400, 403, 403, 404),
    "requests:evaluation-act[return_visit]":          row(302, 403, 403, 400, 403, 403, 404),
    "requests:evaluation-act[rectify]":               row(302, 403, 403, 400, 403, 403, 404),
    "requests:evaluation-act[appeal]":                row(302, 400, 400, 403, 403, 403, 404),
    "requests:evaluation-act[decide_appeal]":         row(302, 403, 403, 400, 403, 403, 404),
    # --- Rosters
    "rosters:plans":                         row(302, 200, 200, 200, 200, 200, 200),
    "rosters:plans[xh]":                     row(302, 200, 200, 200, 200, 200, 200),
    "rosters:plans[post]":                   row(302, 403, 403, 400, 403, 403, 400),
    "rosters:plan-detail":                   row(302, 200, 200, 200, 200, 200, 404),
    "rosters:plan-detail[draft]":            row(302, 404, 404, 200, 404, 404, 404),
    "rosters:plan-assign":                   row(302, 404, 404, 400, 404, 404, 404),
    "rosters:plan-duty-leader":              row(302, 404, 404, 302, 404, 404, 404),
    "rosters:plan-week-leader":              row(302, 404, 404, 302, 404, 404, 404),
    "rosters:plan-turn":                     row(302, 404, 404, 302, 404, 404, 404),
    "rosters:plan-publish":                  row(302, 404, 404, 302, 404, 404, 404),
    "rosters:plan-regenerate":               row(302, 404, 404, 302, 404, 404, 404),
    "rosters:plan-export":                   row(302, 200, 200, 200, 200, 200, 404),
    "rosters:duty-schedule-export":          row(302, 200, 200, 200, 200, 200, 200),
    "rosters:coverage":                      row(302, 200, 200, 200, 200, 200, 200),
    "rosters:dashboard":                     row(302, 403, 200, 200, 403, 403, 200),
    "rosters:dashboard[xh]":                 row(302, 403, 200, 200, 403, 403, 200),
    "rosters:record-check-in":               row(302, 403, 302, 302, 403, 403, 302),
    "rosters:check-in":                      row(302, 200, 200, 200, 200, 200, 200),
    "rosters:check-in[post]":                row(302, 409, 302, 302, 302, 302, 302),
    "rosters:substitutions":                 row(302, 200, 200, 200, 200, 200, 200),
    "rosters:substitution-create":           row(302, 200, 200, 200, 200, 200, 200),
    "rosters:substitution-create[post]":     row(302, 400, 400, 400, 400, 400, 400),
    "rosters:unavailability":                row(302, 403, 403, 200, 403, 200, 200),
    "rosters:unavailability[post]":          row(302, 403, 403, 400, 403, 403, 400),
    "rosters:unavailability-delete":         row(302, 403, 403, 302, 403, 403, 404),
    "rosters:attendance":                    row(302, 403, 200, 200, 403, 403, 200),
    "rosters:duty-summary":                  row(302, 200, 200, 200, 200, 200, 404),
    "rosters:duty-summary[post]":            row(302, 403, 400, 403, 403, 403, 404),
    "rosters:duty-records":                  row(302, 200, 200, 200, 403, 403, 200),
    "rosters:duty-record":                   row(302, 200, 200, 200, 403, 403, 404),
    "rosters:duty-record[post]":             row(302, 400, 403, 403, 403, 403, 404),  # the desk is on duty
    "rosters:duty-record-review":            row(302, 403, 302, 403, 403, 403, 404),  # the day's duty leader
    "rosters:patrols":                       row(302, 403, 403, 200, 403, 200, 200),
    "rosters:patrols[post]":                 row(302, 403, 403, 403, 403, 403, 403),
    "rosters:substitution-act[approve]":     row(302, 403, 403, 302, 403, 403, 404),
    "rosters:substitution-act[reject]":      row(302, 403, 403, 400, 403, 403, 404),
    "rosters:substitution-act[withdraw]":    row(302, 403, 302, 403, 403, 403, 404),
    "rosters:substitution-act[reverse]":     row(302, 403, 403, 400, 403, 403, 404),
    # --- Training
    "training:home":                         row(302, 200, 200, 200, 200, 200, 200),
    "training:notices-read":                 row(302, 302, 302, 302, 302, 302, 302),
    "training:sessions":                     row(302, 200, 200, 200, 200, 200, 200),
    "training:sessions[xh]":                 row(302, 200, 200, 200, 200, 200, 200),
    "training:sessions[post]":               row(302, 403, 403, 400, 400, 403, 400),
    "training:session-detail":               row(302, 200, 200, 200, 200, 200, 404),
    "training:session-detail[post]":         row(302, 404, 404, 409, 404, 404, 404),
    "training:session-edit":                 row(302, 404, 404, 200, 404, 404, 404),
    "training:session-edit[post]":           row(302, 404, 404, 400, 404, 404, 404),
    "training:material":                     row(302, 200, 200, 200, 200, 200, 404),
    "training:bank":                         row(302, 403, 403, 200, 403, 403, 200),
    "training:bank[post]":                   row(302, 403, 403, 400, 403, 403, 400),
    "training:bank-import":                  row(302, 403, 403, 200, 403, 403, 200),
    "training:bank-import[post]":            row(302, 403, 403, 400, 403, 403, 400),
    "training:bank-import-status":           row(302, 403, 403, 200, 403, 403, 404),
    "training:bank-template":                row(302, 403, 403, 200, 403, 403, 200),
    "training:question-edit":                row(302, 403, 403, 200, 403, 403, 404),
    "training:question-edit[post]":          row(302, 403, 403, 400, 403, 403, 404),
    "training:tests":                        row(302, 403, 403, 200, 403, 403, 200),
    "training:tests[post]":                  row(302, 403, 403, 400, 403, 403, 400),
    "training:test-detail":                  row(302, 200, 200, 200, 200, 200, 404),
    "training:test-detail[draft]":           row(302, 404, 404, 200, 404, 404, 404),
    "training:test-detail[post]":            row(302, 404, 404, 400, 404, 404, 404),
    "training:test-detail[post-published]":  row(302, 403, 403, 409, 403, 403, 404),
    "training:test-start":                   row(302, 302, 302, 302, 302, 302, 404),
    "training:attempt":                      row(302, 200, 404, 200, 404, 404, 404),
    "training:attempt-answer":               row(302, 400, 404, 404, 404, 404, 404),
    "training:attempt-submit":               row(302, 409, 404, 404, 404, 404, 404),
    "training:report-scores":                row(302, 403, 403, 200, 403, 403, 200),
    "training:report-scores[xh]":            row(302, 403, 403, 200, 403, 403, 200),
    "training:report-attendance":            row(302, 403, 403, 200, 403, 403, 200),
    "training:person":                       row(302, 404, 404, 200, 404, 404, 404),
    "training:recommendations":              row(302, 403, 403, 200, 403, 403, 200),
    "training:recommendation-letter":        row(302, 403, 403, 200, 403, 403, 404),
    "training:recommendation-sent":          row(302, 403, 403, 302, 403, 403, 404),
    "training:proposals":                    row(302, 403, 403, 200, 403, 403, 200),
    "training:proposal":                     row(302, 403, 403, 200, 403, 403, 404),
    "training:proposal-accept":              row(302, 403, 403, 400, 403, 403, 404),
    "training:proposal-dismiss":             row(302, 403, 403, 400, 403, 403, 404),
    "training:session-act[complete]":        row(302, 403, 403, 302, 403, 403, 404),
    "training:session-act[cancel]":          row(302, 403, 403, 302, 403, 403, 404),
    "training:session-act[attendee]":        row(302, 403, 403, 302, 403, 403, 404),
    "training:session-act[material]":        row(302, 403, 403, 302, 403, 403, 404),
    "training:question-act[activate]":       row(302, 403, 403, 302, 403, 403, 404),
    "training:question-act[deactivate]":     row(302, 403, 403, 302, 403, 403, 404),
    "training:question-act[delete]":         row(302, 403, 403, 302, 403, 403, 404),
    "training:test-act[publish]":            row(302, 403, 403, 302, 403, 403, 404),
    "training:test-act[close]":              row(302, 403, 403, 409, 403, 403, 404),
    "training:test-act[consequences]":       row(302, 403, 403, 302, 403, 403, 404),
    "training:test-act[excuse]":             row(302, 403, 403, 302, 403, 403, 404),
    # --- Supervision
    "supervision:statistics":                row(302, 403, 403, 200, 403, 200, 200),
    "supervision:statistics[xh]":            row(302, 403, 403, 200, 403, 200, 400),
    "supervision:statistics-csv":            row(302, 403, 403, 200, 403, 200, 200),
    "supervision:reports":                   row(302, 403, 403, 200, 403, 200, 200),
    "supervision:reports[post]":             row(302, 403, 403, 400, 403, 400, 400),
    "supervision:report":                    row(302, 403, 403, 200, 403, 200, 404),
    "supervision:report-download":           row(302, 403, 403, 200, 403, 200, 404),
    "supervision:report-download[pdf]":      row(302, 403, 403, 200, 403, 200, 404),
    "supervision:assessment":                row(302, 403, 403, 200, 403, 403, 200),
    "supervision:assessment-export":         row(302, 403, 403, 200, 403, 403, 200),
    "supervision:assessment-person":         row(302, 403, 403, 200, 403, 403, 404),
    "supervision:integrity":                 row(302, 403, 403, 200, 403, 403, 200),
    "supervision:integrity[post]":           row(302, 403, 403, 400, 403, 403, 400),
    "supervision:integrity-revoke":          row(302, 403, 403, 400, 403, 403, 404),
    "supervision:audit":                     row(302, 403, 403, 200, 403, 403, 200),
    "supervision:skills":                    row(302, 403, 403, 200, 403, 403, 200),
    "supervision:skills-recompute":          row(302, 403, 403, 302, 403, 403, 302),
    "supervision:skills-person":             row(302, 403, 403, 200, 403, 403, 404),
    "supervision:skill-gap-plan":            row(302, 403, 403, 302, 403, 403, 404),
    "supervision:access-log":                row(302, 403, 403, 200, 403, 403, 200),
    "supervision:inspections":               row(302, 403, 403, 200, 403, 403, 200),
    "supervision:inspection-create":         row(302, 403, 403, 200, 403, 403, 200),
    "supervision:inspection-create[post]":   row(302, 403, 403, 400, 403, 403, 400),
    "supervision:inspection":                row(302, 403, 403, 200, 403, 403, 404),
    "supervision:inspection-rectify":        row(302, 403, 403, 400, 403, 403, 404),
    "supervision:notices":                   row(302, 403, 403, 200, 403, 403, 200),
    "supervision:notice-create":             row(302, 403, 403, 200, 403, 403, 200),
    "supervision:notice-create[post]":       row(302, 403, 403, 400, 403, 403, 400),
    "supervision:notice":                    row(302, 403, 403, 200, 403, 403, 404),
    "supervision:notice-pdf":                row(302, 403, 403, 200, 403, 403, 404),
    "supervision:difficult-points":          row(302, 403, 403, 200, 403, 403, 200),
    "supervision:difficult-point-create":    row(302, 403, 403, 200, 403, 403, 200),
    "supervision:difficult-point-create[post]": row(302, 403, 403, 400, 403, 403, 400),
    "supervision:difficult-point":           row(302, 403, 403, 200, 403, 403, 404),
    "supervision:difficult-point-meeting":   row(302, 403, 403, 400, 403, 403, 404),
    "supervision:difficult-point-resolve":   row(302, 403, 403, 400, 403, 403, 404),
    "supervision:evaluation-push":           row(302, 403, 403, 200, 403, 200, 200),
    "supervision:evaluation-push-retry":     row(302, 403, 403, 302, 403, 302, 404),
    "supervision:sms":                       row(302, 403, 403, 200, 403, 200, 200),
    "supervision:sms-opt-out":               row(302, 403, 403, 400, 403, 400, 400),
    # --- Citizens: no login; a signed token in the link shows that request to whoever holds it
    "track:home":                            row(200, 200, 200, 200, 200, 200, 200),
    "track:home[post]":                      row(400, 400, 400, 400, 400, 400, 400),
    "track:request":                         row(200, 200, 200, 200, 200, 200, 200),
    "track:evaluate":                        row(200, 200, 200, 200, 200, 200, 200),
    "track:evaluate[post]":                  row(409, 409, 409, 409, 409, 409, 409),
    "track:complaint":                       row(200, 200, 200, 200, 200, 200, 200),
    "track:complaint[post]":                 row(400, 400, 400, 400, 400, 400, 400),
    "track:document":                        row(200, 200, 200, 200, 200, 200, 200),
    "track:consult":                         row(200, 200, 200, 200, 200, 200, 200),
    "track:consult[post]":                   row(400, 400, 400, 400, 400, 400, 400),
    "track:consult-done":                    row(302, 302, 302, 302, 302, 302, 302),
    "track:book":                            row(200, 200, 200, 200, 200, 200, 200),
    "track:book[post]":                      row(400, 400, 400, 400, 400, 400, 400),
    "track:book-done":                       row(302, 302, 302, 302, 302, 302, 302),
    "track:booking":                         row(200, 200, 200, 200, 200, 200, 200),
    "track:booking[post]":                   row(400, 400, 400, 400, 400, 400, 400),
    "track:booking-cancel":                  row(400, 400, 400, 400, 400, 400, 400),
    "track:complain":                        row(200, 200, 200, 200, 200, 200, 200),
    "track:complain[post]":                  row(400, 400, 400, 400, 400, 400, 400),
    "track:complain-done":                   row(302, 302, 302, 302, 302, 302, 302),
    "track:mode":                            row(302, 302, 302, 302, 302, 302, 302),
    # --- Public display: no login; work contacts of the hall's helpers only
    "guide:home":                            row(200, 200, 200, 200, 200, 200, 200),
    "guide:matter":                          row(200, 200, 200, 200, 200, 200, 200),
    "guide:checklist":                       row(200, 200, 200, 200, 200, 200, 200),
    "guide:helpers":                         row(200, 200, 200, 200, 200, 200, 200),
    "guide:helpers[pick]":                   row(200, 200, 200, 200, 200, 200, 200),
    "guide:helper-photo":                    row(200, 200, 200, 200, 200, 200, 200),
    "guide:service-sign":                    row(200, 200, 200, 200, 200, 200, 200),
    "guide:service-sign[no-centre]":         row(404, 404, 404, 404, 404, 404, 404),
    "guide:complaint-sign":                  row(200, 200, 200, 200, 200, 200, 200),
    # The hall's display board (public without a display token) and its polled live part.
    "board":                                 row(200, 200, 200, 200, 200, 200, 200),
    "board[unknown]":                        row(404, 404, 404, 404, 404, 404, 404),
    "board-live":                            row(200, 200, 200, 200, 200, 200, 200),
    "board-live[unknown]":                   row(404, 404, 404, 404, 404, 404, 404),
    # --- API: catalogue, consultations, requests (every action of the transition table), documents
    "api:api-root":                          row(401, 200, 200, 200, 200, 200, 200),
    "api:api-logout-all":                    row(401, 200, 200, 200, 200, 200, 200),
    "api:matter-list":                       row(401, 200, 200, 200, 200, 200, 200),
    "api:matter-detail":                     row(401, 200, 200, 200, 200, 200, 200),
    "api:guide-matter-list":                 row(200, 200, 200, 200, 200, 200, 200),
    "api:guide-matter-detail":               row(200, 200, 200, 200, 200, 200, 200),
    "api:consultation-list":                 row(401, 200, 200, 200, 200, 200, 200),
    "api:appointment-list":                  row(401, 200, 200, 200, 200, 200, 200),
    "api:appointment-detail":                row(401, 200, 200, 200, 200, 200, 404),
    "api:appointment-check-in":              row(401, 200, 200, 403, 403, 403, 404),
    "api:appointment-no-show":               row(401, 200, 200, 403, 403, 403, 404),
    "api:consultation-list[post]":           row(401, 400, 400, 403, 403, 403, 403),
    "api:consultation-detail":               row(401, 200, 200, 200, 200, 200, 404),
    "api:consultation-answer":               row(401, 400, 400, 400, 403, 403, 404),
    "api:consultation-hand-over":            row(401, 400, 400, 400, 403, 403, 404),
    "api:consultation-notice":               row(401, 409, 409, 409, 403, 403, 404),
    "api:consultation-record":               row(401, 200, 200, 200, 200, 200, 200),
    "api:consultation-record[pdf]":          row(401, 200, 200, 200, 200, 200, 200),
    "api:request-list":                      row(401, 200, 200, 200, 200, 200, 200),
    "api:request-list[xh]":                  row(401, 200, 200, 200, 200, 200, 200),
    "api:request-list[post]":                row(401, 400, 400, 403, 403, 403, 403),
    "api:request-list[full-id]":             row(401, 400, 400, 400, 400, 400, 400),
    "api:request-search":                    row(401, 403, 403, 400, 403, 403, 400),
    "api:request-detail":                    row(401, 200, 200, 200, 200, 200, 404),
    "api:request-detail[own]":               row(401, 200, 200, 200, 200, 200, 404),
    "api:request-events":                    row(401, 200, 200, 200, 200, 200, 404),
    "api:request-summary-draft":             row(401, 200, 200, 403, 403, 403, 404),
    "api:request-documents":                 row(401, 200, 200, 200, 200, 200, 404),
    "api:request-issue-document":            row(401, 201, 201, 403, 403, 403, 404),
    "api:document-list":                     row(401, 200, 200, 200, 200, 200, 200),
    "api:key-project-list":                  row(401, 200, 200, 200, 200, 200, 200),
    "api:key-project-detail":                row(401, 200, 200, 200, 200, 200, 404),
    "api:key-project-designate":             row(401, 403, 403, 403, 403, 403, 404),
    "api:document-detail":                   row(401, 200, 200, 200, 200, 200, 404),
    "api:document-download":                 row(401, 200, 200, 200, 200, 200, 404),
    "api:document-download[signing]":        row(401, 404, 404, 200, 404, 404, 404),
    "api:request-signatures":                row(401, 200, 200, 200, 200, 200, 404),
    "api:request-signature-upload":          row(401, 400, 400, 403, 403, 403, 404),
    "api:request-signature-sign":            row(401, 400, 400, 403, 403, 403, 404),
    "api:request-review-materials":          row(401, 400, 400, 403, 403, 403, 404),
    "api:request-record-handover":           row(401, 400, 400, 403, 403, 403, 404),
    "api:request-accept":                    row(401, 400, 400, 403, 403, 403, 404),
    "api:request-issue-deficiency-notice":   row(401, 400, 400, 403, 403, 403, 404),
    "api:request-refuse":                    row(401, 400, 400, 403, 403, 403, 404),
    "api:request-supply-materials":          row(401, 400, 400, 403, 403, 403, 404),
    "api:request-convert-to-agency":         row(401, 400, 400, 403, 403, 403, 404),
    "api:request-forward":                   row(401, 409, 409, 403, 403, 403, 404),
    "api:request-start":                     row(401, 200, 200, 403, 403, 403, 404),
    "api:request-log-work":                  row(401, 400, 400, 403, 403, 403, 404),
    "api:request-report-progress":           row(401, 400, 400, 403, 403, 403, 404),
    "api:request-ask-correction":            row(401, 400, 400, 403, 403, 403, 404),
    "api:request-add-department-task":       row(401, 400, 400, 403, 403, 403, 404),
    "api:request-claim-task":                row(401, 403, 403, 403, 400, 403, 404),
    "api:request-finish-task":               row(401, 403, 403, 403, 400, 403, 404),
    "api:request-record-joint-meeting":      row(401, 403, 400, 400, 403, 403, 404),
    "api:request-suspend":                   row(401, 400, 400, 403, 403, 403, 404),
    "api:request-resume":                    row(401, 409, 409, 403, 403, 403, 404),
    "api:request-request-extension":         row(401, 400, 400, 403, 403, 403, 404),
    "api:request-decide-extension":          row(401, 403, 403, 400, 403, 403, 404),
    "api:request-reassign":                  row(401, 403, 400, 400, 403, 403, 404),
    "api:request-link-key-project":          row(401, 403, 400, 400, 403, 403, 404),
    "api:request-link-key-project[foreign]": row(401, 404, 404, 404, 404, 403, 400),
    "api:request-mark-urgent":               row(401, 400, 400, 400, 403, 403, 404),
    "api:request-unmark-urgent":             row(401, 400, 400, 400, 403, 403, 404),
    "api:request-set-priority-groups":       row(401, 400, 400, 400, 403, 403, 404),
    "api:request-complete":                  row(401, 400, 400, 403, 403, 403, 404),
    "api:request-deliver":                   row(401, 400, 400, 403, 403, 403, 404),
    "api:request-confirm-receipt":           row(401, 409, 409, 403, 403, 403, 404),
    "api:request-terminate":                 row(401, 400, 400, 403, 403, 403, 404),
    "api:request-evaluate":                  row(401, 400, 400, 403, 403, 403, 404),
    "api:request-follow-up":                 row(401, 403, 403, 400, 403, 403, 404),
    "api:request-record-follow-up":          row(401, 400, 400, 403, 403, 403, 404),
    "api:request-write-summary":             row(401, 400, 400, 403, 403, 403, 404),
    "api:request-archive":                   row(401, 409, 409, 403, 403, 403, 404),
    # --- API: rosters
    "api:rotation-plan-list":                row(401, 200, 200, 200, 200, 200, 200),
    "api:rotation-plan-list[post]":          row(401, 403, 403, 400, 403, 403, 400),
    "api:rotation-plan-detail":              row(401, 200, 200, 200, 200, 200, 404),
    "api:rotation-plan-detail[draft]":       row(401, 404, 404, 200, 404, 404, 404),
    "api:rotation-plan-assign":              row(401, 404, 404, 400, 404, 404, 404),
    "api:rotation-plan-problems":            row(401, 404, 404, 200, 404, 404, 404),
    "api:rotation-plan-publish":             row(401, 404, 404, 200, 404, 404, 404),
    "api:rotation-plan-regenerate":          row(401, 404, 404, 200, 404, 404, 404),
    "api:duty-day-list":                     row(401, 200, 200, 200, 200, 200, 200),
    "api:duty-day-list[post]":               row(401, 403, 403, 400, 403, 403, 400),
    "api:duty-day-detail":                   row(401, 200, 200, 200, 200, 200, 404),
    "api:duty-day-set-leader":               row(401, 404, 404, 400, 404, 404, 404),
    "api:substitution-list":                 row(401, 200, 200, 200, 200, 200, 200),
    "api:substitution-list[post]":           row(401, 400, 400, 400, 400, 400, 400),
    "api:substitution-detail":               row(401, 404, 200, 200, 404, 404, 404),
    "api:substitution-approve":              row(401, 404, 403, 200, 404, 404, 404),
    "api:substitution-reject":               row(401, 404, 403, 400, 404, 404, 404),
    "api:substitution-withdraw":             row(401, 404, 200, 403, 404, 404, 404),
    "api:substitution-reverse":              row(401, 404, 403, 400, 404, 404, 404),
    "api:check-in-list":                     row(401, 200, 200, 200, 200, 200, 200),
    "api:check-in-list[post]":               row(401, 409, 201, 201, 201, 201, 201),
    "api:check-in-detail":                   row(401, 200, 200, 200, 404, 404, 404),
    "api:unavailability-list":               row(401, 200, 200, 200, 200, 200, 200),
    "api:unavailability-list[post]":         row(401, 403, 403, 400, 403, 403, 400),
    "api:unavailability-detail":             row(401, 404, 404, 200, 404, 200, 404),
    "api:unavailability-detail[delete]":     row(401, 404, 404, 204, 404, 403, 404),
    # --- API: training
    "api:training-session-list":             row(401, 200, 200, 200, 200, 200, 200),
    "api:training-session-list[post]":       row(401, 403, 403, 400, 400, 403, 400),
    "api:training-session-detail":           row(401, 200, 200, 200, 200, 200, 404),
    "api:training-session-attendance":       row(401, 200, 200, 200, 200, 200, 404),
    "api:training-session-attendance[post]": row(401, 403, 403, 400, 403, 403, 404),
    "api:training-session-cancel":           row(401, 403, 403, 400, 403, 403, 404),
    "api:training-session-complete":         row(401, 403, 403, 409, 403, 403, 404),
    "api:training-attendance-list":          row(401, 200, 200, 200, 200, 200, 200),
    "api:training-attendance-detail":        row(401, 200, 404, 200, 404, 404, 404),
    "api:training-question-list":            row(401, 403, 403, 200, 403, 403, 200),
    "api:training-question-list[post]":      row(401, 403, 403, 400, 403, 403, 400),
    "api:training-question-detail":          row(401, 403, 403, 200, 403, 403, 404),
    "api:training-question-detail[patch]":   row(401, 403, 403, 405, 403, 403, 405),
    "api:training-question-detail[delete]":  row(401, 403, 403, 200, 403, 403, 404),
    "api:training-test-list":                row(401, 200, 200, 200, 200, 200, 200),
    "api:training-test-list[post]":          row(401, 403, 403, 400, 403, 403, 400),
    "api:training-test-detail":              row(401, 200, 200, 200, 200, 200, 404),
    "api:training-test-detail[draft]":       row(401, 404, 404, 200, 404, 404, 404),
    "api:patrol-list":                       row(401, 403, 403, 200, 403, 200, 200),
    "api:patrol-list[post]":                 row(401, 403, 403, 403, 403, 403, 403),
    "api:patrol-detail":                     row(401, 403, 403, 200, 403, 200, 404),
    "api:patrol-missing":                    row(401, 403, 403, 200, 403, 200, 200),
    "api:duty-record-list":                  row(401, 200, 200, 200, 403, 403, 200),
    "api:duty-record-list[post]":            row(401, 400, 400, 400, 400, 400, 400),
    "api:duty-record-detail":                row(401, 200, 200, 200, 403, 403, 404),
    "api:duty-record-edit":                  row(401, 400, 403, 403, 403, 403, 404),
    "api:duty-record-review":                row(401, 403, 200, 403, 403, 403, 404),
    "api:training-test-close":               row(401, 403, 403, 409, 403, 403, 404),
    "api:training-test-publish":             row(401, 404, 404, 200, 404, 404, 404),
    "api:training-test-start":               row(401, 200, 409, 409, 409, 409, 404),  # her paper exists: handed back
    "api:training-paper-list":               row(401, 200, 200, 200, 200, 200, 200),
    "api:training-paper-detail":             row(401, 200, 404, 200, 404, 404, 404),
    "api:training-paper-answer":             row(401, 400, 404, 403, 404, 404, 404),
    "api:training-paper-submit":             row(401, 409, 404, 403, 404, 404, 404),
    "api:training-score-list":               row(401, 200, 200, 200, 200, 200, 200),
    "api:training-score-detail":             row(401, 200, 404, 200, 404, 404, 404),
    "api:training-proposal-list":            row(401, 403, 403, 200, 403, 403, 200),
    "api:training-proposal-detail":          row(401, 403, 403, 200, 403, 403, 404),
    "api:training-proposal-accept":          row(401, 403, 403, 400, 403, 403, 404),
    "api:training-proposal-dismiss":         row(401, 403, 403, 400, 403, 403, 404),
    # --- API: inspections, circulated notices, difficult points (the supervision section writes; bureau leaders
    # read, tests/supervision/test_inspections.py)
    "api:inspection-list":                   row(401, 403, 403, 200, 403, 403, 200),
    "api:inspection-list[post]":             row(401, 403, 403, 400, 403, 403, 400),
    "api:inspection-detail":                 row(401, 403, 403, 200, 403, 403, 404),
    "api:inspection-rectify":                row(401, 403, 403, 400, 403, 403, 404),
    "api:notice-list":                       row(401, 403, 403, 200, 403, 403, 200),
    "api:notice-list[post]":                 row(401, 403, 403, 400, 403, 403, 400),
    "api:notice-detail":                     row(401, 403, 403, 200, 403, 403, 404),
    "api:notice-pdf":                        row(401, 403, 403, 200, 403, 403, 404),
    "api:difficult-point-list":              row(401, 403, 403, 200, 403, 403, 200),
    "api:difficult-point-list[post]":        row(401, 403, 403, 400, 403, 403, 400),
    "api:difficult-point-detail":            row(401, 403, 403, 200, 403, 403, 404),
    "api:difficult-point-meetings":          row(401, 403, 403, 400, 403, 403, 404),
    "api:difficult-point-resolve":           row(401, 403, 403, 400, 403, 403, 404),
}
# fmt: on

# URL patterns left out of the matrix, and why.
EXCLUDED_NAMESPACES = {
    "admin",  # Django admin internals: is_staff and model permissions, enforced by django.contrib.admin itself
}
EXCLUDED_NAMES = {
    "set_language",  # i18n: Django's view that sets the language cookie, no data behind it
}
EXCLUDED_VIEWS = {
    static_serve,  # static/media files, the one unnamed route (added when DEBUG is on)
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.callback in EXCLUDED_VIEWS:
            continue
        else:  # an unnamed route cannot have a row: it shows up as one missing
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


def project_url_names() -> set[str]:
    """Every named URL pattern of the project, walked from the root resolver, less the exclusions above."""
    return {
        name
        for name in _walk(get_resolver().url_patterns)
        if name.split(":")[0] not in EXCLUDED_NAMESPACES and name not in EXCLUDED_NAMES
    }


# --- The world, built once for the module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once in a transaction rolled back after the module, with the clock stopped at NOW. Each cell runs in
    a savepoint inside it (pytest-django's `db`), so a POST that succeeds is undone before the next cell."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # The cells close each response (streaming ones too), which fires request_finished. Django's handler would then
    # close a PostgreSQL connection older than CONN_MAX_AGE — inside the world's transaction, losing it for every
    # later cell. The test client keeps these signals off during its own requests; do the same for the module.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"),
        ),
        time_machine.travel(NOW, tick=False),
    ):
        # Each cell's `db` fixture ends with Django's TestCase.tearDownClass, which closes every connection: on
        # PostgreSQL that would close the one holding the world's transaction (SQLite's in-memory test database
        # ignores close()). Keep this connection open until the module is done.
        connection.close = lambda: None
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            # Settle the supervision pages' derived rows once: a cell's own refresh would be rolled back with it
            # and redone by every later cell.
            refresh_figures()
            refresh_gaps()
            # One login per column for the whole module: each cell sends that session's cookie.
            for role, user in built.users.items():
                client = Client()
                client.force_login(user)
                built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            celery_app.conf.task_always_eager = eager
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            del connection.close  # the instance attribute: back to the wrapper's own close()


# --- Requesting a cell and reading the answer -----------------------------------------------------------


def request_cell(world, target, role: str):
    client = Client(raise_request_exception=False)  # a view's exception is a 500 cell, not an error of the test
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = reverse(target.name, args=target.path_args(world.objects))
    if target.query:
        url = f"{url}?{target.query_string(world.objects)}"
    send = getattr(client, target.method)
    if target.method == "get":
        return send(url)
    data = target.post_data(world.objects)
    if target.api:
        return send(url, data=json.dumps(data), content_type="application/json")
    return send(url, data=data)


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=False)
    return out.stdout.decode(errors="replace")


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            _pdf_text(content) if name.endswith(".pdf") else content.decode(errors="replace")
            for name, content in ((name, archive.read(name)) for name in archive.namelist())
        )


def body_text(response) -> str:
    """What the reader of a response sees: text as is (DRF writes non-ASCII JSON unescaped), the text of a PDF,
    the members of an xlsx or zip (their XML and PDFs)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    if data.startswith(b"%PDF"):
        return _pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_text(data)
    return data.decode(errors="replace")


def leaks(world, target, role: str, text: str) -> list[str]:
    """What the body shows that this role should not see."""
    found = []
    if role not in target.personal:
        found += [f"personal data {s}" for s in (XH_ID, XH_PHONE, XH_ADDRESS, COMPLAINT_PHONE) if s in text]
    if role == "admin":
        return found  # admins keep the reference data of every centre
    if target.public or role == "anonymous":
        found += [f"personal data {s}" for s in (OT_ID, OT_PHONE) if s in text]
    elif role == "other_centre":
        found += [f"the first district's {s}" for s in world.xh_marks if s in text]
    else:
        found += [f"another district's {s}" for s in world.ot_marks if s in text]
    return found


PROJECT_APPS = ("staff", "requests", "complaints", "rosters", "training", "hallservice")


def fingerprint(world, target) -> tuple[dict, list | None]:
    """The row count of every table of the project's apps (in one query) and the watched row's values."""
    tables = sorted({m._meta.db_table for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()})
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        rows = dict(zip(tables, cursor.fetchone(), strict=True))
    watched = None
    if target.watch:
        obj = world.objects[target.watch]
        watched = list(type(obj)._default_manager.filter(pk=obj.pk).values())
    return rows, watched


def refused(key: str, role: str) -> bool:
    """A cell where the request must change nothing."""
    target = TARGETS[key]
    if target.method == "get":
        return False
    refusals = (400, 403, 404, 405) if target.data else (403, 404, 405)
    return (role == "anonymous" and not target.public) or MATRIX[key][role] in refusals


# --- The tests --------------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    names = project_url_names()
    rows = {key.split("[")[0] for key in MATRIX}
    assert sorted(names - rows) == [], "URL patterns without a row in MATRIX"
    assert sorted(rows - names) == [], "rows of MATRIX for URL names that do not exist"
    assert set(MATRIX) == set(TARGETS), "every row of MATRIX needs its TARGETS entry, and the other way round"


PROBE = os.environ.get("PERMISSION_MATRIX_PROBE")


def _probe(key, role, response, text, found):
    """Write what the code answers for a cell (for drafting new rows), instead of asserting it."""
    record = {"key": key, "role": role, "status": response.status_code, "leaks": found}
    record["location"] = response.get("Location", "")
    with open(PROBE, "a") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(TARGETS) if PROBE else list(MATRIX))
def test_cell(key, role, world, db):
    target = TARGETS[key]
    before = fingerprint(world, target) if not PROBE and refused(key, role) else None
    response = request_cell(world, target, role)
    status = response.status_code
    text = body_text(response) if status < 500 else ""
    found = leaks(world, target, role, text)
    if PROBE:
        _probe(key, role, response, text, found)
        return
    expected = MATRIX[key][role]
    where = f"{target.method.upper()} {key} as {role}"
    assert status == expected, f"{where}: {status}, the table says {expected}\n{text[:2000]}"
    if role == "anonymous" and status == 302 and not target.public:
        assert response["Location"].startswith(reverse("login")), f"{where} goes to {response['Location']}"
    assert not found, f"{where} shows {found}"
    if before is not None:
        assert fingerprint(world, target) == before, f"{where} was refused ({status}) but changed the data"
