"""pytest-xdist's groups (``@pytest.mark.xdist_group``), as tests/conftest.py uses them."""


def xdist_groups(item) -> list[str]:
    """The names of the ``xdist_group`` marks of a test, sorted."""
    return sorted(
        {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
    )


def name_groups_in_node_ids(items) -> None:
    """Keep the ``xdist_group`` groups together with pytest 9.2.

    pytest-xdist 3.8 tells its scheduler a test's group by renaming the test on the worker
    (``tests/e2e/test_shell.py::test_x@services``), through an attribute that pytest 9.2's
    structured node ids no longer read (pytest-xdist#1386): the tests would be spread over
    the workers as if they had no group. Here the id is renamed the way pytest 9.2 reads
    it; nothing happens where pytest-xdist's own renaming took effect (older pytest, or a
    pytest-xdist with the fix).
    """
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9.2
        return
    for item in items:
        groups = xdist_groups(item)
        nodeid = item.nodeid
        if groups and hasattr(item, "_id") and nodeid.rfind("@") <= nodeid.rfind("]"):
            item._id = NodeId.parse(f"{nodeid}@{'_'.join(groups)}")
