"""axe-core, run in the page a browser test has open."""

from functools import cache

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = ("serious", "critical")


@cache
def axe():
    return Axe()


def serious_violations(page):
    """(rule, impact, elements) of every serious or critical axe-core violation on the open page."""
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in axe().run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
