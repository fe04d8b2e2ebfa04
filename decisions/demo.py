"""Demo data of the decisions app: the workflow part, then the meetings part."""

from importlib import import_module
from importlib.util import find_spec


def load(stdout) -> None:
    for name in ("decisions.demo_workflow", "decisions.demo_meetings"):
        if find_spec(name) is not None:
            import_module(name).load(stdout)
