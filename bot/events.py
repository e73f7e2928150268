"""What each audit action is called where a person reads it (a complaint's history).

The action codes (`retention_check`, `survey_sent`) are for the database; a person reads a
translated phrase. Every action the code records has an entry here (tests/test_event_labels.py
finds them in the source), and one unknown to this table still reads as a change, never as
its code. Each label follows "<when> · <who> · ", the actor being a person or carebot.
"""

from __future__ import annotations

from bot.i18n import N_, Translator

EVENT_LABELS: dict[str, str] = {
    # a complaint's life
    "created": N_("logged"),
    "step_added": N_("added a step"),
    "assigned": N_("assigned"),
    "follow_up_scheduled": N_("scheduled a follow-up"),
    "follow_up_done": N_("completed a follow-up"),
    "resolved": N_("resolved"),
    "reopened": N_("reopened"),
    "checklist": N_("updated the checklist"),
    "priority": N_("changed the priority"),
    "waiting": N_("set it waiting for the customer"),
    "customer_replied": N_("recorded the customer's reply"),
    "viewed_personal_data": N_("viewed the customer's details"),
    "personal_data_shown": N_("saw the customer's contact details for the retention check"),
    "retention_check": N_("recorded the retention check"),
    "searched": N_("searched the complaints"),
    "complaints_exported": N_("exported the complaint log"),
    # surveys: carebot sends, the customer answers
    "survey_sent": N_("sent the customer a survey"),
    "survey_emailed": N_("emailed the customer a survey"),
    "survey_answered": N_("received the customer's survey answers"),
    "survey_skipped": N_("did not send the survey"),
    "survey_opt_out": N_("recorded that the customer wants no more surveys"),
    "survey_settings": N_("changed the survey settings"),
    # the workspace's settings
    "categories": N_("changed the complaint categories"),
    "channel": N_("changed the complaints channel"),
    "sla_settings": N_("changed the business hours or targets"),
    "digest_channel": N_("changed the digest channel"),
    "digest_schedule": N_("changed the digest schedule"),
    "role_changed": N_("changed someone's role"),
    "goal_added": N_("added a goal"),
    "goal_changed": N_("changed a goal"),
    "goal_removed": N_("removed a goal"),
    "metric_recorded": N_("recorded a figure"),
    # customers' data
    "customer_exported": N_("exported a customer's data"),
    "customer_erased": N_("erased a customer's data"),
    "retention_erased": N_("erased customers' data past the retention period"),
}

# An action recorded by a newer version, or one left out above: still a sentence.
UNKNOWN_EVENT = N_("made a change")


def event_label(action: str, t: Translator) -> str:
    return t(EVENT_LABELS.get(action, UNKNOWN_EVENT))
