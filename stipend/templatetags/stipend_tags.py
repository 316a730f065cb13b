"""The S7 quota counters on the participant page: a template tag, so the participants app
does not import the stipend app (imports flow one way)."""

from django import template

from kvp import clock
from stipend import selectors

register = template.Library()


@register.inclusion_tag("stipend/partials/_counters.html")
def absence_counters(participant, link=True):
    return {
        "participant": participant,
        "counters": selectors.counters_for(participant.pk, clock.today()),
        "link": link,
    }
