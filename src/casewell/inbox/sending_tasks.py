"""Jobs for mail going out. Each is idempotent: a message is sent once, however often
its job runs."""

from __future__ import annotations

from django_tasks import task

from casewell.inbox import campaign_answers, sending


@task()
def send_outgoing_message(outgoing_id: int) -> str:
    """Send one kept e-mail, or record why not and when it will be tried again."""
    return sending.deliver(outgoing_id)


@task()
def prepare_campaign_answer(answer_id: int) -> str:
    """Write each campaign sender's own copy of an answer, each sent by a job of its own."""
    return campaign_answers.prepare_answer(answer_id)
